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

    public static TextDataset Load(string path, int splitSeed = DefaultSplitSeed, int maxRows = DefaultMaxRows) =>
        Load(path, DatasetReadLimits.Default with { MaxRows = maxRows }, splitSeed);

    /// <summary>
    /// Reads a file within <paramref name="limits"/>: a non-regular file (FIFO, device, directory) or one longer
    /// than <see cref="DatasetReadLimits.MaxBytes"/> is refused before reading; a compressed file is counted after
    /// decompression. Going over a limit raises <see cref="DatasetFormatException"/> with <see cref="DatasetFormatException.Limit"/> set.
    /// </summary>
    public static TextDataset Load(string path, DatasetReadLimits limits, int splitSeed = DefaultSplitSeed)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(limits);
        var (format, gzip) = FormatOf(path);
        using var reader = OpenText(path, gzip, limits.MaxBytes);
        return Load(reader, format, NameOf(path), splitSeed, limits);
    }

    /// <summary>Reads from an open reader, e.g. an uploaded file; <paramref name="name"/> becomes the dataset name.</summary>
    public static TextDataset Load(TextReader reader, UserFileFormat format, string name,
        int splitSeed = DefaultSplitSeed, int maxRows = DefaultMaxRows) =>
        Load(reader, format, name, splitSeed, new DatasetReadLimits(long.MaxValue, int.MaxValue, maxRows));

    /// <summary>Reads from an open reader within the field and row limits (the reader's source bounds the bytes).</summary>
    public static TextDataset Load(TextReader reader, UserFileFormat format, string name, int splitSeed, DatasetReadLimits limits)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limits.MaxRows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limits.MaxFieldChars);
        IEnumerable<LabelledRow> rows = format switch
        {
            UserFileFormat.Csv => new CsvRowReader(reader, limits.MaxFieldChars).Rows(),
            UserFileFormat.JsonLines => new JsonLinesRowReader(reader, limits.MaxLineChars).Rows(),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
        try
        {
            return DatasetAssembler.Assemble(name, rows, splitSeed, limits.MaxRows);
        }
        catch (InvalidDataException)
        {
            // GZipStream on a corrupt or truncated file.
            throw new DatasetFormatException("the file is not valid gzip data");
        }
    }

    /// <summary>
    /// Why a dataset file cannot be read, checked without opening it, or null when it can: it must exist, be a
    /// regular file (not a directory, FIFO, socket or device, which could block a reader for good or never end)
    /// and be at most <paramref name="maxBytes"/> long. .NET reports the length of those special files as 0,
    /// the same as an empty file, which is not a dataset either, so a length of 0 is refused as both.
    /// </summary>
    public static string? FileProblem(string path, long maxBytes)
    {
        if (Directory.Exists(path))
        {
            return $"'{path}' is a directory, not a .csv or .jsonl file";
        }
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return $"file '{path}' does not exist";
        }
        if (file.Length == 0)
        {
            return $"'{path}' is empty or not a regular file (a FIFO, socket or device); give a .csv or .jsonl file";
        }
        if (file.Length > maxBytes)
        {
            return $"'{path}' is {file.Length} bytes, more than the limit of {maxBytes} bytes";
        }
        return null;
    }

    /// <summary>The file names a run spec and an upload accept: .csv, .tsv, .jsonl, .ndjson and their gzip'd .gz forms.</summary>
    public const string SupportedExtensions = ".csv, .tsv, .jsonl or .ndjson (optionally gzip'd: .csv.gz, .tsv.gz, .jsonl.gz, .ndjson.gz)";

    /// <summary>Whether the file name has one of the <see cref="SupportedExtensions"/>.</summary>
    public static bool IsSupported(string path)
    {
        try
        {
            FormatOf(path);
            return true;
        }
        catch (DatasetFormatException)
        {
            return false;
        }
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
            ".csv" or ".tsv" => (UserFileFormat.Csv, gzip), // the delimiter (',', ';' or tab) is read off the header
            ".jsonl" or ".ndjson" => (UserFileFormat.JsonLines, gzip),
            _ => throw new DatasetFormatException(
                $"unsupported file type '{(extension.Length == 0 ? file : extension)}' (expected .csv, .tsv or .jsonl)"),
        };
    }

    /// <summary>Opens a file as text; with a limit, refuses special and too long files first and counts the decompressed bytes.</summary>
    internal static StreamReader OpenText(string path, bool gzip, long maxBytes = long.MaxValue)
    {
        // A missing file stays a FileNotFoundException (from File.OpenRead), as callers expect.
        if (maxBytes < long.MaxValue && (File.Exists(path) || Directory.Exists(path)) && FileProblem(path, maxBytes) is string problem)
        {
            throw new DatasetFormatException(problem) { Limit = File.Exists(path) && new FileInfo(path).Length > maxBytes ? DatasetLimit.Bytes : null };
        }
        Stream stream = File.OpenRead(path);
        if (gzip)
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }
        if (maxBytes < long.MaxValue)
        {
            stream = new CountingReadStream(stream, maxBytes);
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
