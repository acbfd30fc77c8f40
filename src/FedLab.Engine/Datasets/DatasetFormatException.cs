namespace FedLab.Engine.Datasets;

/// <summary>A dataset file that cannot be read; the message names the line (when there is one) and the reason.</summary>
public sealed class DatasetFormatException : Exception
{
    public DatasetFormatException(string reason, int? line = null)
        : base(line is null ? reason : $"line {line}: {reason}")
    {
        Reason = reason;
        Line = line;
    }

    /// <summary>1-based physical line where the problem was found (for CSV: where the record starts).</summary>
    public int? Line { get; }

    public string Reason { get; }

    /// <summary>The limit the file went over, when that is the problem (see <see cref="DatasetReadLimits"/>).</summary>
    public DatasetLimit? Limit { get; init; }
}
