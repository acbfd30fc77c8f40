using FedLab.Engine.Federation;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Datasets;

/// <summary>
/// How a spec turns a dataset into the run's examples and clients: the seeded train and test subsets and the
/// partition. The run (<see cref="RunEnvironment"/>) and the dashboard's partition preview both call this, so the
/// preview is the partition the run will report.
/// </summary>
public static class RunPartitioning
{
    /// <summary>The training examples a spec keeps (all of them without a train limit), in dataset order.</summary>
    public static IReadOnlyList<T> TrainSubset<T>(IReadOnlyList<T> all, RunSpec spec) =>
        Subset(all, spec.Dataset.TrainLimit, SeedMix.Derive(spec.Seed, SeedStreams.TrainSubset));

    /// <summary>
    /// The examples a run trains on and the validation examples held out of them: the train limit's subset split by
    /// <see cref="ValidationSplit"/> (all of it trains when the spec asks for no validation split).
    /// </summary>
    public static (IReadOnlyList<T> Train, IReadOnlyList<T> Validation) TrainAndValidation<T>(IReadOnlyList<T> all, Func<T, int> label, int classes, RunSpec spec) =>
        ValidationSplit.Split(TrainSubset(all, spec), label, classes, spec);

    /// <summary>The test examples a spec keeps, in dataset order.</summary>
    public static IReadOnlyList<T> TestSubset<T>(IReadOnlyList<T> all, RunSpec spec) =>
        Subset(all, spec.Dataset.TestLimit, SeedMix.Derive(spec.Seed, SeedStreams.TestSubset));

    /// <summary>The clients' shares of the kept training examples, given their labels.</summary>
    public static ClientPartition Partition(int[] trainLabels, int classes, RunSpec spec)
    {
        var p = spec.Partition;
        var kind = p.Kind switch
        {
            PartitionMethod.Iid => PartitionKind.Iid,
            PartitionMethod.Dirichlet => PartitionKind.Dirichlet,
            _ => PartitionKind.Shards,
        };
        return Partitioner.Split(trainLabels, classes, p.Clients, kind, p.Alpha, p.ShardsPerClient, spec.Seed);
    }

    private static IReadOnlyList<T> Subset<T>(IReadOnlyList<T> items, int? limit, long seed)
    {
        if (limit is not int n || n >= items.Count)
        {
            return items;
        }
        var order = Enumerable.Range(0, items.Count).ToArray();
        new Random(unchecked((int)seed)).Shuffle(order);
        return order.Take(n).Order().Select(i => items[i]).ToList();
    }
}
