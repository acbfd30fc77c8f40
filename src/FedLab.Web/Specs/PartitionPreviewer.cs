using System.Collections.Concurrent;
using FedLab.Engine.Datasets;
using FedLab.Engine.Federation;
using FedLab.Engine.Runs;

namespace FedLab.Web.Specs;

/// <summary>
/// Computes the partition a spec will get, without loading a model: the same training subset (seeded by
/// SeedMix.Derive(seed, 11), as RunEnvironment takes it) and the engine's own <see cref="Partitioner"/>, so
/// the preview equals the histograms the run later reports (a test checks this). Dataset labels are cached.
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
        var labels = Subset(data.all, spec.Dataset.TrainLimit, SeedMix.Derive(spec.Seed, 11));
        var p = spec.Partition;
        try
        {
            var partition = FedLab.Engine.Datasets.Partitioner.Split(labels, data.classes.Count, p.Clients, p.Kind switch
            {
                PartitionMethod.Iid => PartitionKind.Iid,
                PartitionMethod.Dirichlet => PartitionKind.Dirichlet,
                _ => PartitionKind.Shards,
            }, p.Alpha, p.ShardsPerClient, spec.Seed);
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

    /// <summary>The engine's subset rule (RunEnvironment.Subset) applied to labels.</summary>
    private static int[] Subset(int[] labels, int? limit, long seed)
    {
        if (limit is not int n || n >= labels.Length)
        {
            return labels;
        }
        var order = Enumerable.Range(0, labels.Length).ToArray();
        new Random(unchecked((int)seed)).Shuffle(order);
        return [.. order.Take(n).Order().Select(i => labels[i])];
    }
}
