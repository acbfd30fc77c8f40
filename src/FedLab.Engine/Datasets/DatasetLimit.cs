namespace FedLab.Engine.Datasets;

/// <summary>Which <see cref="DatasetReadLimits"/> bound a file went over (see <see cref="DatasetFormatException.Limit"/>).</summary>
public enum DatasetLimit
{
    /// <summary>The text (after decompression) is longer than <see cref="DatasetReadLimits.MaxBytes"/>.</summary>
    Bytes,

    /// <summary>A field (a CSV field, or a JSON line) is longer than <see cref="DatasetReadLimits.MaxFieldChars"/>.</summary>
    FieldChars,

    /// <summary>More rows than <see cref="DatasetReadLimits.MaxRows"/>.</summary>
    Rows,
}
