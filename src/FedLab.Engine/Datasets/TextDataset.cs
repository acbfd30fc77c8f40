namespace FedLab.Engine.Datasets;

/// <summary>An immutable labelled text dataset with fixed train, test and public (held-out) splits.</summary>
public sealed class TextDataset
{
    public TextDataset(
        string name,
        IEnumerable<string> classNames,
        IEnumerable<TextExample> train,
        IEnumerable<TextExample> test,
        IEnumerable<TextExample> publicSplit,
        bool generative = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        string[] classes = [.. classNames];
        // Generative data whose answers do not form a small set has one pseudo-class (see Tasks/Generative).
        if (classes.Length < (generative ? 1 : 2))
        {
            throw new ArgumentException($"a dataset needs at least 2 classes, got {classes.Length}", nameof(classNames));
        }
        if (classes.Distinct(StringComparer.Ordinal).Count() != classes.Length)
        {
            throw new ArgumentException("class names must be distinct", nameof(classNames));
        }
        ClassNames = Array.AsReadOnly(classes);
        IsGenerative = generative;
        // Copies, so nobody can change a dataset after the frameworks started reading it.
        Train = Checked(train, classes.Length, nameof(train));
        Test = Checked(test, classes.Length, nameof(test));
        Public = Checked(publicSplit, classes.Length, nameof(publicSplit));
    }

    public string Name { get; }

    /// <summary>Instruction or chat data: every example carries <see cref="TextExample.Messages"/>.</summary>
    public bool IsGenerative { get; }

    public IReadOnlyList<string> ClassNames { get; }

    public IReadOnlyList<TextExample> Train { get; }

    public IReadOnlyList<TextExample> Test { get; }

    /// <summary>Held out; labels are never used by the frameworks (e.g. an unlabelled pool for distillation).</summary>
    public IReadOnlyList<TextExample> Public { get; }

    public int NumClasses => ClassNames.Count;

    public IReadOnlyList<TextExample> this[DatasetSplit split] => split switch
    {
        DatasetSplit.Train => Train,
        DatasetSplit.Test => Test,
        DatasetSplit.Public => Public,
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, null),
    };

    /// <summary>Labels of the training examples, in order: the input the partitioners expect.</summary>
    public int[] TrainLabels() => [.. Train.Select(e => e.Label)];

    public override string ToString() =>
        $"{Name}: {NumClasses} classes, {Train.Count} train / {Test.Count} test / {Public.Count} public";

    private static IReadOnlyList<TextExample> Checked(IEnumerable<TextExample> examples, int numClasses, string parameter)
    {
        ArgumentNullException.ThrowIfNull(examples, parameter);
        TextExample[] copy = [.. examples];
        foreach (TextExample example in copy)
        {
            ArgumentNullException.ThrowIfNull(example, parameter);
            if ((uint)example.Label >= (uint)numClasses)
            {
                throw new ArgumentException($"label {example.Label} is outside 0..{numClasses - 1}", parameter);
            }
        }
        return Array.AsReadOnly(copy);
    }
}
