using System.Globalization;
using FedLab.Engine.Datasets;
using FedLab.Engine.Runs;

namespace FedLab.Web.Cli;

/// <summary>
/// Before a headless run starts: a dataset given by path must be a regular file (a FIFO would block the load
/// for good, a device never ends) no longer than FedLab:MaxUploadBytes, the limit uploads have, checked from
/// the file's length before anything is read (a 2 GB sparse file would otherwise be read into memory).
/// </summary>
internal static class DatasetFileCheck
{
    public static IReadOnlyList<SpecError> Check(RunSpec spec, FedLabSettings settings)
    {
        var name = spec.Dataset.Name;
        if (string.IsNullOrWhiteSpace(name) || DatasetCatalog.IsBundled(name))
        {
            return [];
        }
        if (DatasetReference.LooksLikeReference(name))
        {
            // An upload of the dashboard that shares this data folder, by content hash.
            try
            {
                name = DatasetReference.Resolve(name, settings.UploadDirectory);
            }
            catch (DatasetFormatException ex)
            {
                return [new SpecError("dataset.name", ex.Message)];
            }
        }
        if (UserDatasetLoader.FileProblem(name, settings.MaxUploadBytes) is not string problem)
        {
            return [];
        }
        if (File.Exists(name) && new FileInfo(name).Length > settings.MaxUploadBytes)
        {
            problem = string.Create(CultureInfo.InvariantCulture,
                $"'{name}' is {new FileInfo(name).Length / 1e6:F1} MB; datasets are limited to {settings.MaxUploadBytes / 1e6:F1} MB (FedLab:MaxUploadBytes, or FEDLAB__MAXUPLOADBYTES)");
        }
        return [new SpecError("dataset.name", problem)];
    }
}
