using FedLab.Cluster;

namespace FedLab.Engine.Tests.Cluster;

/// <summary>Local worker processes for the cluster tests: the worker built with this test assembly's configuration, sharing its model cache.</summary>
internal static class TestWorkers
{
    /// <param name="gateways">How many of the workers, first ones first, the coordinator connects through (default all).</param>
    public static Task<LocalWorkers> StartAsync(int count, ClusterSettings? settings = null, int? gateways = null)
    {
        // The test assembly's configuration (bin/Debug or bin/Release) is the worker's.
        string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        return LocalWorkers.StartAsync(LocalWorkers.WorkerDll(RepoPaths.Root, configuration), count, gateways ?? count, settings, null, "--cache-dir", TestModels.Store.CacheDirectory);
    }
}
