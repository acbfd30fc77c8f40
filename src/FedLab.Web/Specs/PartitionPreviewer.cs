using System.Collections.Concurrent;
using FedLab.Engine.Datasets;
using FedLab.Engine.Runs;

namespace FedLab.Web.Specs;

/// <summary>
/// Computes the partition a spec will get, without loading a model, through the engine's own
/// <see cref="RunPartitioning"/> (the training subset and the partitioner the run uses), so the preview equals the
/// histograms the run later reports. Dataset labels are cached.
/// </summary>
/// <param name="checker">The one dataset path check (<see cref="Api.RunSpecChecker.DatasetProblem"/>): the preview
/// reads only what a spec may name, never a path the checker refuses (e.g. of a cloned CLI run).</param>
public sealed class PartitionPreviewer(Api.RunSpecChecker checker)
{
    private readonly ConcurrentDictionary<string, Lazy<(IReadOnlyList<string> Classes, int[] Labels)>> _labels = new(StringComparer.Ordinal);

    public PartitionPreview Preview(RunSpec spec)
    {
        (IReadOnlyList<string> classes, int[] all) data;
        if (checker.DatasetProblem(spec.Dataset.Name) is string problem)
        {
            return PartitionPreview.Failed($"dataset: {problem}");
        }
        try
        {
            data = Labels(spec.Dataset.Name);
        }
        catch (Exception ex) when (ex is DatasetFormatException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            return PartitionPreview.Failed($"dataset: {ex.Message}");
        }
        var labels = RunPartitioning.TrainAndValidation(data.all, l => l, data.classes.Count, spec).Train.ToArray();
        try
        {
            var partition = RunPartitioning.Partition(labels, data.classes.Count, spec);
            return new PartitionPreview(data.classes, partition.LabelHistograms, labels.Length, null);
        }
        catch (ArgumentException ex)
        {
            var message = ex.Message;
            int cut = message.IndexOf(" (Parameter", StringComparison.Ordinal);
            return PartitionPreview.Failed(cut > 0 ? message[..cut] : message);
        }
    }

    private (IReadOnlyList<string>, int[]) Labels(string name)
    {
        name = checker.DatasetPath(name);
        var key = DatasetCatalog.IsBundled(name) ? name.ToLowerInvariant() : Path.GetFullPath(name) + "|" + File.GetLastWriteTimeUtc(name).Ticks;
        var lazy = _labels.GetOrAdd(key, _ => new Lazy<(IReadOnlyList<string>, int[])>(() =>
        {
            var dataset = DatasetCatalog.Load(name);
            return (dataset.ClassNames, dataset.TrainLabels());
        }));
        try
        {
            return lazy.Value;
        }
        catch
        {
            _labels.TryRemove(key, out _);
            throw;
        }
    }
}
