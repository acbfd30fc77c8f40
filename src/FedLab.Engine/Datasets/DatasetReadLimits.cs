namespace FedLab.Engine.Datasets;

/// <summary>
/// Bounds on reading a user's dataset file, so that no file (a gzip bomb, one endless field, a sparse file) can
/// make a parse use unbounded time or memory: the text (after decompression) is read as a stream and counted,
/// fields and JSON lines are cut off at a length, and rows at a count. What a parse keeps is then at most about
/// two bytes per character of <see cref="MaxBytes"/> plus a small overhead per row.
/// </summary>
/// <param name="MaxBytes">Most bytes of text read, after decompression (a plain file longer than this is refused before reading).</param>
/// <param name="MaxFieldChars">Longest CSV field; a JSON line may be twice this plus 1024 characters (quoting and the other fields).</param>
/// <param name="MaxRows">Most data rows.</param>
public sealed record DatasetReadLimits(long MaxBytes, int MaxFieldChars, int MaxRows)
{
    /// <summary>Most columns a CSV header may have.</summary>
    public const int MaxColumns = 1000;

    /// <summary>
    /// What a run's load uses: generous, at least as large as the dashboard's settings may be, so a file the
    /// dashboard accepted always loads, while still bounding a file given by path.
    /// </summary>
    public static DatasetReadLimits Default { get; } = new(2_000_000_000, 10_000_000, UserDatasetLoader.DefaultMaxRows);

    /// <summary>The longest JSON line accepted.</summary>
    public int MaxLineChars => (int)Math.Min(int.MaxValue - 1, 2L * MaxFieldChars + 1024);
}
