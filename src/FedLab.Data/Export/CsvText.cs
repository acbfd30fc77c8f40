namespace FedLab.Data.Export;

/// <summary>RFC 4180 fields: the one quoting rule of every CSV FedLab writes (exports, the compare table).</summary>
public static class CsvText
{
    /// <summary>The value as a CSV field: in double quotes (inner quotes doubled) when it holds a comma, a quote or a line break.</summary>
    public static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
