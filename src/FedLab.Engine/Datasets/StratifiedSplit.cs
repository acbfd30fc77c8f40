namespace FedLab.Engine.Datasets;

/// <summary>
/// The one seeded, stratified train/test/public rule (70/20/10) used both by the import tool for the bundled
/// files and by UserDatasetLoader for user files without a split column.
/// </summary>
/// <remarks>This file is also compiled into tools/FedLab.DataImport.</remarks>
internal static class StratifiedSplit
{
    public const int TestPercent = 20;
    public const int PublicPercent = 10;

    /// <summary>Assigns a split to every example; depends only on the labels, their order and the seed.</summary>
    public static DatasetSplit[] Assign(IReadOnlyList<int> labels, int numClasses, int seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var byClass = new List<int>[numClasses];
        for (int c = 0; c < numClasses; c++)
        {
            byClass[c] = [];
        }
        for (int i = 0; i < labels.Count; i++)
        {
            int label = labels[i];
            if ((uint)label >= (uint)numClasses)
            {
                throw new ArgumentException($"label {label} of example {i} is outside 0..{numClasses - 1}", nameof(labels));
            }
            byClass[label].Add(i);
        }

        var splits = new DatasetSplit[labels.Count];
        for (int c = 0; c < numClasses; c++)
        {
            List<int> members = byClass[c];
            // One stream per class, so adding a class never reshuffles the others.
            new SeededRandom(seed, stream: (ulong)c + 1).Shuffle(members);
            (int test, int pub) = Counts(members.Count);
            for (int k = 0; k < members.Count; k++)
            {
                splits[members[k]] = k < test ? DatasetSplit.Test
                    : k < test + pub ? DatasetSplit.Public
                    : DatasetSplit.Train;
            }
        }
        return splits;
    }

    /// <summary>Rounded per-class sizes in integer arithmetic (no floating-point drift); train always keeps at least one.</summary>
    internal static (int Test, int Public) Counts(int classSize)
    {
        int test = (classSize * TestPercent + 50) / 100;
        int pub = (classSize * PublicPercent + 50) / 100;
        while (classSize > 0 && test + pub >= classSize)
        {
            if (pub > 0)
            {
                pub--;
            }
            else
            {
                test--;
            }
        }
        return (test, pub);
    }
}
