using System.Globalization;
using FedLab.Engine.Datasets;
using Microsoft.Extensions.Options;

namespace FedLab.Web.Datasets;

/// <summary>
/// Stores an uploaded CSV/JSONL dataset under the data folder's uploads/ and checks it with the engine's
/// <see cref="UserDatasetLoader"/>, within FedLab:MaxUploadBytes and FedLab:MaxDatasetRows. A refused file
/// is deleted; the message says which limit or which line.
/// </summary>
public sealed class DatasetUploads(IOptions<FedLabSettings> settings, ILogger<DatasetUploads> logger)
{
    public long MaxBytes => settings.Value.MaxUploadBytes;

    public int MaxRows => settings.Value.MaxDatasetRows;

    public async Task<DatasetUploadResult> SaveAsync(string fileName, Stream content, long? declaredBytes, CancellationToken ct)
    {
        var name = Path.GetFileName(fileName ?? "");
        if (string.IsNullOrWhiteSpace(name))
        {
            return new DatasetUploadResult(null, "the file has no name");
        }
        try
        {
            UserDatasetLoader.FormatOf(name);
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
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, $"{Guid.NewGuid():N}-{Sanitise(name)}");
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
                dataset = UserDatasetLoader.Load(target, maxRows: MaxRows);
            }
            catch (DatasetFormatException ex)
            {
                Delete(target);
                var message = ex.Reason.StartsWith("file has more than", StringComparison.Ordinal)
                    ? $"the file has more than {MaxRows:N0} rows, the limit (FedLab:MaxDatasetRows)"
                    : ex.Message;
                return new DatasetUploadResult(null, message);
            }
            int rows = dataset.Train.Count + dataset.Test.Count + dataset.Public.Count;
            logger.LogInformation("dataset {File} uploaded: {Rows} rows, {Classes} classes", name, rows, dataset.NumClasses);
            return new DatasetUploadResult(new UploadedDataset(target, name, written, rows, dataset.ClassNames, dataset.Train.Count, dataset.Test.Count, dataset.Public.Count), null);
        }
        catch
        {
            Delete(target);
            throw;
        }
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
