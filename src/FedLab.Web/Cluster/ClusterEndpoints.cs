namespace FedLab.Web.Cluster;

/// <summary><c>GET /api/cluster</c>: the cluster as the Workers view shows it (connection, workers and health, clients each ran).</summary>
public static class ClusterEndpoints
{
    public const string Path = "/api/cluster";

    public static IEndpointRouteBuilder MapClusterEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (ClusterCoordinator coordinator, CancellationToken ct) => ClusterView.ReadAsync(coordinator, ct))
            .WithSummary("The cluster's workers, their health, and which clients each ran in this coordinator's recent runs (docs/cluster.md)")
            .Produces<ClusterView>();
        return app;
    }
}
