using FedLab.Cluster;
using FedLab.Engine.Federation;
using FedLab.Engine.Models;
using FedLab.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;

// A FedLab worker: an Orleans silo that hosts clients' work (FedLab.Cluster's ClientWorkerGrain). docs/cluster.md.
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(WorkerOptions.Usage);
    return 0;
}
var (options, problems) = WorkerOptions.Parse(args);
if (options is null)
{
    foreach (var problem in problems)
    {
        Console.Error.WriteLine($"error: {problem}");
    }
    Console.Error.WriteLine(WorkerOptions.Usage);
    return 2;
}

var engine = new EngineOptions
{
    Threads = options.Threads,
    DataDirectory = options.DataDirectory,
    UploadDirectory = options.UploadDirectory,
    Models = new ModelStore(options.ModelsDirectory, options.CacheDirectory),
};
if (options.Threads > 0)
{
    TorchSharp.torch.set_num_threads(options.Threads);
}

using var host = Host.CreateDefaultBuilder()
    // Orleans' start-up information is long; warnings and errors stay (a worker's own lines go to stdout).
    .ConfigureLogging(l => l.AddFilter("Orleans", LogLevel.Warning).AddFilter("Microsoft", LogLevel.Warning))
    .ConfigureServices(s => s.AddSingleton(new WorkerRuns(engine)))
    .UseOrleans(silo => silo.UseFedLabCluster(options.Cluster, options.SiloPort, options.GatewayPort, options.Primary, options.Advertise))
    .Build();
try
{
    await host.StartAsync();
}
catch (Exception ex)
{
    Console.Error.WriteLine($"error: the worker could not join the cluster: {ex.Message}");
    return 1;
}
// A line scripts and tests can wait for.
Console.WriteLine($"fedlab worker ready: silo port {options.SiloPort}, gateway port {options.GatewayPort}, membership {options.Cluster.Membership}, pid {Environment.ProcessId}");
await host.WaitForShutdownAsync();
return 0;
