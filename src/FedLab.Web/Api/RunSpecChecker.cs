using FedLab.Engine.Datasets;
using FedLab.Engine.Runs;
using Microsoft.Extensions.Options;

namespace FedLab.Web.Api;

/// <summary>
/// The validation every way into the dashboard uses (REST API and the New run form): the engine's strict
/// <see cref="RunSpecJson"/> parse and <see cref="RunSpecValidator"/>, the same the CLI uses, plus one rule
/// of the server: a dataset that is not bundled must be a file uploaded to this dashboard, so a request can
/// never make the server read arbitrary files.
/// </summary>
public sealed class RunSpecChecker(IOptions<FedLabSettings> settings)
{
    private readonly RunSpecValidator _validator = new();

    /// <summary>Parses strictly and validates; the spec is null when it does not parse.</summary>
    public (RunSpec? Spec, IReadOnlyList<SpecError> Errors) Check(string json)
    {
        RunSpec spec;
        try
        {
            spec = RunSpecJson.Parse(json);
        }
        catch (RunSpecException ex)
        {
            return (null, ex.Errors);
        }
        return (spec, Validate(spec));
    }

    public IReadOnlyList<SpecError> Validate(RunSpec spec)
    {
        var errors = _validator.Validate(spec).ToList();
        if (DatasetProblem(spec.Dataset.Name) is string problem)
        {
            // The engine's own messages for a path ("does not exist", "unknown dataset") would tell a client which
            // files exist on the server; for any name this dashboard does not hold there is this one message.
            errors.RemoveAll(e => e.Field == "dataset.name");
            errors.Add(new SpecError("dataset.name", problem));
        }
        if (spec.Fork is { } fork && !errors.Any(e => e.Field.StartsWith("fork", StringComparison.Ordinal))
            && Data.RunCheckpointFiles.ForkProblem(settings.Value.CheckpointDirectory, fork) is string forkProblem)
        {
            errors.Add(new SpecError("fork.round", forkProblem));
        }
        return errors;
    }

    /// <summary>
    /// The path check every reader of a dataset named by a client goes through (this validation, the New run
    /// form's partition preview): null for a bundled dataset or a file uploaded to this dashboard (and for an
    /// empty name, which validation reports), else the message, the same whether or not such a file exists.
    /// </summary>
    public string? DatasetProblem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || DatasetCatalog.IsBundled(name) || IsUpload(name))
        {
            return null;
        }
        if (DatasetReference.LooksLikeReference(name))
        {
            try
            {
                DatasetReference.Resolve(name, settings.Value.UploadDirectory);
                return null;
            }
            catch (DatasetFormatException ex)
            {
                return ex.Message;
            }
        }
        return $"'{FreeText.Shown(name)}' is not a dataset this dashboard holds: use a bundled dataset ({string.Join(", ", DatasetCatalog.BundledNames)}) or upload the file first (New run form, or POST /api/datasets) and use the name it returns";
    }

    /// <summary>The file (or bundled name) a dataset name reads here: an upload reference resolved in this data folder.</summary>
    public string DatasetPath(string name) => DatasetReference.Resolve(name, settings.Value.UploadDirectory);

    /// <summary>A file stored by an earlier version under uploads/ (a path); current uploads are references.</summary>
    public bool IsUpload(string path)
    {
        var uploads = Path.GetFullPath(settings.Value.UploadDirectory) + Path.DirectorySeparatorChar;
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
        return full.StartsWith(uploads, StringComparison.Ordinal) && File.Exists(full);
    }
}
