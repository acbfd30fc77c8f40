using FedLab.Cluster;

namespace FedLab.Web.Cluster;

/// <summary>What the Workers view and <c>GET /api/cluster</c> show: the connection, each worker and its health, and which clients each ran.</summary>
public sealed record ClusterView(bool Enabled, string State, string Membership, string ClusterId, bool Tls, IReadOnlyList<WorkerView> Workers, IReadOnlyList<ClusterRunView> Runs)
{
    public static async Task<ClusterView> ReadAsync(ClusterCoordinator coordinator, CancellationToken ct)
    {
        var s = coordinator.Settings;
        var workers = new List<WorkerView>();
        var runs = new List<ClusterRunView>();
        if (coordinator.Runner is { } runner)
        {
            try
            {
                foreach (var (silo, info, problem) in await runner.Cluster.DescribeWorkersAsync(TimeSpan.FromSeconds(3)).WaitAsync(ct))
                {
                    workers.Add(new WorkerView(silo.ToString(), info?.Machine, info?.ProcessId, info?.TorchThreads, info?.Runs, info?.StartedAt, problem is null ? "up" : $"unreachable: {problem}"));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                workers.Add(new WorkerView("(membership)", null, null, null, null, null, $"unreadable: {ex.Message}"));
            }
            foreach (var session in runner.Sessions.Reverse())
            {
                runs.Add(new ClusterRunView(session.Name, session.Round,
                    session.Workers.Select((w, i) => new WorkerClients(i + 1, w, session.Clients.GetValueOrDefault(w) ?? [], session.Lost.Contains(w))).ToList(),
                    session.PayloadBytes, session.MessageBytes));
            }
        }
        return new ClusterView(coordinator.Enabled, coordinator.State, s.Membership, s.ClusterId, s.TlsCertificate is not null, workers, runs);
    }
}

/// <summary>A worker: its silo address, machine, process, torch threads, runs held, start time and health.</summary>
public sealed record WorkerView(string Silo, string? Machine, int? ProcessId, int? TorchThreads, int? Runs, DateTimeOffset? StartedAt, string Health);

/// <summary>A run of this coordinator on the cluster (most recent first): its workers (numbered as the clients' "cluster.worker") and their clients.</summary>
public sealed record ClusterRunView(string Name, int Round, IReadOnlyList<WorkerClients> Workers, long PayloadBytes, long MessageBytes);

/// <summary>One worker's clients in a run; Lost when the worker was lost during it.</summary>
public sealed record WorkerClients(int Number, string Silo, IReadOnlyList<int> Clients, bool Lost);
