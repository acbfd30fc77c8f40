using System.Globalization;
using System.IO.Compression;
using FedLab.Engine.Datasets;
using Microsoft.Extensions.Options;

namespace FedLab.Web.Datasets;

/// <summary>
/// Stores an uploaded CSV/JSONL dataset (also .ndjson, and any of them gzip'd as .gz) under the data folder's
/// uploads/ and checks it with the engine's <see cref="UserDatasetLoader"/>, within FedLab:MaxUploadBytes (the
/// upload), FedLab:MaxDecompressedBytes (its text after decompression), FedLab:MaxFieldChars and
/// FedLab:MaxDatasetRows. The check streams the file, so a decompression bomb is stopped at the limit, not
/// after it has filled the memory. A compressed or .ndjson upload is stored as plain .csv/.jsonl, the formats a
/// run spec's dataset.name may name, so every format accepted here can be used by a run. A refused file is
/// deleted; the message says which limit or which line. A kept file is stored by content hash
/// (uploads/&lt;hash&gt;/&lt;name&gt;) and answered as a portable <see cref="DatasetReference"/>; the same content
/// uploaded twice is stored once.
/// </summary>
public sealed class DatasetUploads(IOptions<FedLabSettings> settings, ILogger<DatasetUploads> logger)
{
    public long MaxBytes => settings.Value.MaxUploadBytes;

    public int MaxRows => settings.Value.MaxDatasetRows;

    public DatasetReadLimits Limits => new(settings.Value.MaxDecompressedBytes, settings.Value.MaxFieldChars, MaxRows);

    public async Task<DatasetUploadResult> SaveAsync(string fileName, Stream content, long? declaredBytes, CancellationToken ct)
    {
        var name = Path.GetFileName(fileName ?? "");
        if (string.IsNullOrWhiteSpace(name))
        {
            return new DatasetUploadResult(null, "the file has no name");
        }
        UserFileFormat format;
        bool gzip;
        try
        {
            (format, gzip) = UserDatasetLoader.FormatOf(name);
        }
        catch (DatasetFormatException ex)
        {
            return new DatasetUploadResult(null, ex.Message);
        }
        if (declaredBytes > MaxBytes)
        {
            return new DatasetUploadResult(null, TooLargeMessage(declaredBytes.Value), TooLarge: true);
        }

        var folder = settings.Value.UploadDirectory;
        var incoming = Path.Combine(folder, IncomingFolder);
        Directory.CreateDirectory(incoming);
        var id = Guid.NewGuid().ToString("N");
        var target = Path.Combine(incoming, $"{id}-{Sanitise(name)}");
        var plainName = Sanitise(PlainName(name, format));
        var plain = Path.Combine(incoming, $"{id}-plain-{plainName}");
        long written = 0;
        try
        {
            await using (var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    written += read;
                    if (written > MaxBytes)
                    {
                        file.Close();
                        Delete(target);
                        return new DatasetUploadResult(null, TooLargeMessage(null), TooLarge: true);
                    }
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            TextDataset dataset;
            try
            {
                dataset = format == UserFileFormat.JsonLines && Engine.Tasks.Generative.InstructionDatasets.LooksLikeInstructions(target, gzip)
                    ? Engine.Tasks.Generative.InstructionDatasets.Load(target, Limits) // instruction/output or messages rows, for a generative task
                    : UserDatasetLoader.Load(target, Limits);
            }
            catch (DatasetFormatException ex)
            {
                Delete(target);
                return Refused(ex);
            }
            if (gzip)
            {
                await StorePlainAsync(target, gzip, plain, ct);
            }
            else
            {
                File.Move(target, plain);
            }
            var (reference, already) = Keep(plain, plainName, folder);
            int rows = dataset.Train.Count + dataset.Test.Count + dataset.Public.Count;
            logger.LogInformation("dataset {File} uploaded as {Reference}{Again}: {Rows} rows, {Classes} classes",
                name, reference, already ? " (the same content was already here)" : "", rows, dataset.NumClasses);
            return new DatasetUploadResult(new UploadedDataset(reference, name, written, rows, dataset.ClassNames, dataset.Train.Count, dataset.Test.Count, dataset.Public.Count)
            {
                AlreadyUploaded = already,
            }, null);
        }
        catch
        {
            Delete(target);
            Delete(plain);
            throw;
        }
    }

    /// <summary>Uploads being written and checked; never listed nor named by a reference.</summary>
    public const string IncomingFolder = ".incoming";

    /// <summary>
    /// Moves a checked plain file to uploads/&lt;content hash&gt;/ and answers its reference. The same content uploaded
    /// again (under any name) is not stored twice: the earlier file's reference is answered.
    /// </summary>
    private (string Reference, bool Already) Keep(string plain, string plainName, string folder)
    {
        var hash = DatasetReference.HashOf(plain);
        if (DatasetReference.Find(folder, hash) is string existing)
        {
            Delete(plain);
            return (DatasetReference.Format(hash, Path.GetFileName(existing)), true);
        }
        var home = Path.Combine(folder, hash);
        Directory.CreateDirectory(home);
        var kept = Path.Combine(home, plainName);
        try
        {
            File.Move(plain, kept);
        }
        catch (IOException) when (DatasetReference.Find(folder, hash) is string raced)
        {
            // The same content arrived twice at once: keep the first.
            Delete(plain);
            return (DatasetReference.Format(hash, Path.GetFileName(raced)), true);
        }
        return (DatasetReference.Format(hash, plainName), false);
    }

    /// <summary>The uploads this dashboard holds, newest first: reference and the file name shown.</summary>
    public IReadOnlyList<(string Reference, string FileName)> List(int limit = 50)
    {
        var folder = settings.Value.UploadDirectory;
        if (!Directory.Exists(folder))
        {
            return [];
        }
        return [.. new DirectoryInfo(folder).EnumerateDirectories()
            .Where(d => d.Name.Length == DatasetReference.HashChars && d.Name.All(char.IsAsciiHexDigitLower))
            .Select(d => DatasetReference.Find(folder, d.Name) is string file ? new FileInfo(file) : null)
            .OfType<FileInfo>()
            .OrderByDescending(f => f.LastWriteTimeUtc)
            .Take(limit)
            .Select(f => (DatasetReference.Format(f.Directory!.Name, f.Name), f.Name))];
    }

    private DatasetUploadResult Refused(DatasetFormatException ex) => ex.Limit switch
    {
        DatasetLimit.Bytes => new DatasetUploadResult(null, string.Create(CultureInfo.InvariantCulture,
            $"the file's text is larger than {settings.Value.MaxDecompressedBytes / 1e6:F1} MB after decompression, the limit (FedLab:MaxDecompressedBytes)"), TooLarge: true),
        DatasetLimit.FieldChars => new DatasetUploadResult(null, string.Create(CultureInfo.InvariantCulture,
            $"{(ex.Line is int line ? $"line {line}: " : "")}{ex.Reason}, over the limit (FedLab:MaxFieldChars is {settings.Value.MaxFieldChars:N0}; a JSON line may be twice that)")),
        DatasetLimit.Rows => new DatasetUploadResult(null, $"the file has more than {MaxRows:N0} rows, the limit (FedLab:MaxDatasetRows)"),
        _ => new DatasetUploadResult(null, ex.Message),
    };

    /// <summary>
    /// Writes the checked upload as a plain .csv/.jsonl (decompressed, still counted against the limit) and
    /// removes the upload as sent.
    /// </summary>
    private async Task StorePlainAsync(string source, bool gzip, string stored, CancellationToken ct)
    {
        await using (var input = OpenDecompressed(source, gzip))
        await using (var output = new FileStream(stored, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await input.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > settings.Value.MaxDecompressedBytes)
                {
                    throw new InvalidOperationException("an upload changed after it was checked");
                }
                await output.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        Delete(source);
    }

    private static Stream OpenDecompressed(string path, bool gzip)
    {
        Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        return gzip ? new GZipStream(stream, CompressionMode.Decompress) : stream;
    }

    /// <summary>The name a spec can use: without .gz, and .ndjson as .jsonl (the extensions a run spec accepts).</summary>
    private static string PlainName(string name, UserFileFormat format)
    {
        var plain = name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? name[..^3] : name;
        var extension = format == UserFileFormat.Csv ? ".csv" : ".jsonl";
        return string.Equals(Path.GetExtension(plain), extension, StringComparison.OrdinalIgnoreCase)
            ? plain
            : Path.ChangeExtension(plain, extension);
    }

    private string TooLargeMessage(long? bytes) => bytes is long b
        ? string.Create(CultureInfo.InvariantCulture, $"the file is {b / 1e6:F1} MB; the limit is {MaxBytes / 1e6:F1} MB (FedLab:MaxUploadBytes)")
        : string.Create(CultureInfo.InvariantCulture, $"the file is larger than the limit of {MaxBytes / 1e6:F1} MB (FedLab:MaxUploadBytes)");

    /// <summary>Letters, digits, '.', '-' and '_' only; the extension (which selects the format) is kept.</summary>
    private static string Sanitise(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray();
        var safe = new string(chars).TrimStart('.');
        return safe.Length > 100 ? safe[^100..] : safe;
    }

    private void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException ex)
        {
            logger.LogWarning(ex, "could not delete refused upload {Path}", path);
        }
    }
}
