namespace FedLab.Engine.Datasets;

/// <summary>The formats a user can upload.</summary>
public enum UserFileFormat
{
    /// <summary>RFC 4180 CSV with a header row naming <c>text</c>, <c>label</c> and optionally <c>split</c>.</summary>
    Csv,

    /// <summary>One JSON object per line: <c>{"text": ..., "label": string or integer, "split": optional}</c>.</summary>
    JsonLines,
}
