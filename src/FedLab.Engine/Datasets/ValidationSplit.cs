using FedLab.Engine.Federation;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Datasets;

/// <summary>
/// The validation split of a run: a seeded, stratified share of the run's training examples (after the train limit),
/// held out from training. It chooses the "best" round and drives early stopping, so the test split is only reported,
/// never used for selection. Each class gives its share (largest remainders, so the total is exact) and keeps at least
/// one training example.
/// </summary>
public static class ValidationSplit
{
    public const double DefaultFraction = 0.1;
    public const double MaxFraction = 0.5;

    /// <summary>How many examples a spec holds out of <paramref name="pool"/> training examples (0 = none).</summary>
    public static int SizeFor(DatasetSpec dataset, int pool)
    {
        int wanted = dataset.ValidationSize ?? (int)Math.Round(dataset.ValidationFraction * pool, MidpointRounding.AwayFromZero);
        return Math.Clamp(wanted, 0, Math.Max(0, pool - 1));
    }

    /// <summary>Splits the kept training examples into (train, validation), both in their original order.</summary>
    public static (IReadOnlyList<T> Train, IReadOnlyList<T> Validation) Split<T>(IReadOnlyList<T> pool, Func<T, int> label, int classes, RunSpec spec)
    {
        int size = SizeFor(spec.Dataset, pool.Count);
        if (size == 0)
        {
            return (pool, []);
        }
        var byClass = new List<int>[classes];
        for (int c = 0; c < classes; c++)
        {
            byClass[c] = [];
        }
        for (int i = 0; i < pool.Count; i++)
        {
            byClass[label(pool[i])].Add(i);
        }
        var quota = Quotas(byClass.Select(m => m.Count).ToArray(), size);
        var held = new bool[pool.Count];
        for (int c = 0; c < classes; c++)
        {
            var members = byClass[c];
            new SeededRandom(SeedMix.Derive(spec.Seed, SeedStreams.ValidationSplit), stream: (ulong)c + 1).Shuffle(members);
            for (int k = 0; k < quota[c]; k++)
            {
                held[members[k]] = true;
            }
        }
        var train = new List<T>(pool.Count - size);
        var validation = new List<T>(size);
        for (int i = 0; i < pool.Count; i++)
        {
            (held[i] ? validation : train).Add(pool[i]);
        }
        return (train, validation);
    }

    /// <summary>Per-class counts proportional to the class sizes, summing to <paramref name="size"/>; each class keeps one for training.</summary>
    internal static int[] Quotas(int[] classSizes, int size)
    {
        int total = classSizes.Sum();
        var quota = new int[classSizes.Length];
        var remainders = new (double Remainder, int Class)[classSizes.Length];
        for (int c = 0; c < classSizes.Length; c++)
        {
            double exact = (double)size * classSizes[c] / total;
            quota[c] = Math.Min((int)Math.Floor(exact), Math.Max(0, classSizes[c] - 1));
            remainders[c] = (exact - Math.Floor(exact), c);
        }
        int left = size - quota.Sum();
        // Largest remainder first, then the larger class, then the lower index: deterministic.
        foreach (var (_, c) in remainders.OrderByDescending(r => r.Remainder).ThenByDescending(r => classSizes[r.Class]).ThenBy(r => r.Class))
        {
            if (left == 0)
            {
                break;
            }
            if (quota[c] < classSizes[c] - 1)
            {
                quota[c]++;
                left--;
            }
        }
        // Still short (tiny classes capped at size - 1): take from the largest classes.
        for (int c = 0; left > 0 && c < classSizes.Length; c++)
        {
            int free = Math.Max(0, classSizes[c] - 1 - quota[c]);
            int take = Math.Min(free, left);
            quota[c] += take;
            left -= take;
        }
        return quota;
    }
}
