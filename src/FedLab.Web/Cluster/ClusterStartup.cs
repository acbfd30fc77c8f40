namespace FedLab.Web.Cluster;

/// <summary>Connects the coordinator to the cluster in the background, so the dashboard serves pages while workers start.</summary>
internal sealed class ClusterStartup(ClusterCoordinator coordinator, ILogger<ClusterStartup> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!coordinator.Enabled)
        {
            return;
        }
        try
        {
            await coordinator.ConnectAsync(stoppingToken);
            log.LogInformation("connected to the cluster ({Membership} membership, cluster id {ClusterId})", coordinator.Settings.Membership, coordinator.Settings.ClusterId);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            coordinator.Failed($"not connected: {ex.Message}");
            log.LogError("could not connect to the cluster: {Message}", ex.Message);
        }
    }
}
