using System.IO.Compression;
using System.Text;

namespace FedLab.Engine.Datasets;

/// <summary>
/// Reads a user's labelled text file (.csv or .jsonl, optionally gzip'd as .csv.gz / .jsonl.gz). Without a split
/// column the rows are split by the same seeded, stratified 70/20/10 rule as the bundled datasets; with one,
/// train and test must be non-empty and public may be empty. Class names are the distinct labels, sorted
/// (numerically when all are integers, else ordinal). Malformed input raises <see cref="DatasetFormatException"/>
/// naming the line and the reason.
/// </summary>
public static class UserDatasetLoader
{
    public const int DefaultSplitSeed = 20261124;
    public const int DefaultMaxRows = 200_000;

    public static TextDataset Load(string path, int splitSeed = DefaultSplitSeed, int maxRows = DefaultMaxRows)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var (format, gzip) = FormatOf(path);
        using var reader = OpenText(path, gzip);
        return Load(reader, format, NameOf(path), splitSeed, maxRows);
    }

    /// <summary>Reads from an open reader, e.g. an uploaded file; <paramref name="name"/> becomes the dataset name.</summary>
    public static TextDataset Load(TextReader reader, UserFileFormat format, string name,
        int splitSeed = DefaultSplitSeed, int maxRows = DefaultMaxRows)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        IEnumerable<LabelledRow> rows = format switch
        {
            UserFileFormat.Csv => new CsvRowReader(reader).Rows(),
            UserFileFormat.JsonLines => new JsonLinesRowReader(reader).Rows(),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
        return DatasetAssembler.Assemble(name, rows, splitSeed, maxRows);
    }

    /// <summary>The format implied by the file name; throws <see cref="DatasetFormatException"/> for others.</summary>
    public static (UserFileFormat Format, bool Gzip) FormatOf(string path)
    {
        string file = Path.GetFileName(path).ToLowerInvariant();
        bool gzip = file.EndsWith(".gz", StringComparison.Ordinal);
        string inner = gzip ? file[..^3] : file;
        string extension = Path.GetExtension(inner);
        return extension switch
        {
            ".csv" => (UserFileFormat.Csv, gzip),
            ".jsonl" or ".ndjson" => (UserFileFormat.JsonLines, gzip),
            _ => throw new DatasetFormatException(
                $"unsupported file type '{(extension.Length == 0 ? file : extension)}' (expected .csv or .jsonl)"),
        };
    }

    internal static StreamReader OpenText(string path, bool gzip)
    {
        Stream stream = File.OpenRead(path);
        if (gzip)
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }
        return new StreamReader(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: true);
    }

    private static string NameOf(string path)
    {
        string name = Path.GetFileName(path);
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? name[..dot] : name;
    }
}
