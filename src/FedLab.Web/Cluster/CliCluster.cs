using FedLab.Cluster;

namespace FedLab.Web.Cluster;

/// <summary>
/// <c>run --cluster</c>: the run's clients go to the workers named by <c>FedLab:Cluster</c> (appsettings.json or
/// FEDLAB__CLUSTER__* variables; Enabled is implied). Connecting waits for a gateway for at most a minute.
/// </summary>
internal static class CliCluster
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The connected coordinator, or null after writing why it could not connect.</summary>
    public static async Task<ClusterCoordinator?> ConnectAsync(TextWriter error, CancellationToken ct)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
        var settings = ClusterServices.Settings(configuration);
        settings.Enabled = true;
        var problems = settings.Problems();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                error.WriteLine($"error: {problem}");
            }
            return null;
        }
        var coordinator = new ClusterCoordinator(settings);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await coordinator.ConnectAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            error.WriteLine($"error: no worker of the cluster answered within {ConnectTimeout.TotalSeconds:0} s ({settings.Membership} membership{(settings.Membership == "localhost" ? ", gateway ports " + string.Join(",", settings.GatewayPorts) : "")}); start the workers first (docs/cluster.md)");
            return null;
        }
        var workers = await coordinator.Runner!.Cluster.ActiveWorkersAsync();
        error.WriteLine($"cluster: {workers.Count} worker(s) active ({settings.Membership} membership{(settings.TlsCertificate is null ? "" : ", TLS")})");
        return coordinator;
    }
}
