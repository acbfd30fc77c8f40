using System.Globalization;

namespace FedLab.Engine.Datasets;

/// <summary>Field checks shared by the CSV and JSON-lines readers, so both report problems the same way.</summary>
internal static class RowValues
{
    public static string Text(string? text, int line)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new DatasetFormatException("empty text", line);
        }
        return text.Trim();
    }

    public static string Label(string? label, int line)
    {
        if (string.IsNullOrWhiteSpace(label))
        {
            throw new DatasetFormatException("empty label", line);
        }
        return label.Trim();
    }

    public static DatasetSplit Split(string? split, int line)
    {
        string value = (split ?? "").Trim();
        return value.ToLowerInvariant() switch
        {
            "train" => DatasetSplit.Train,
            "test" => DatasetSplit.Test,
            "public" => DatasetSplit.Public,
            "" => throw new DatasetFormatException("empty split (expected train, test or public)", line),
            _ => throw new DatasetFormatException($"unknown split '{value}' (expected train, test or public)", line),
        };
    }

    public static long? Integer(string label) =>
        long.TryParse(label, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) ? value : null;
}
