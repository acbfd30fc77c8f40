using FedLab.Cluster;
using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Remote;
using FedLab.Engine.Runs;

namespace FedLab.Web.Cluster;

/// <summary>
/// The dashboard's (and the CLI's) side of the cluster: with <c>FedLab:Cluster:Enabled</c>, every run's clients go to
/// the workers through this runner. It connects in the background (workers may start later); a run that starts
/// before the connection is up fails at once with a message saying so, rather than silently running in-process.
/// </summary>
public sealed class ClusterCoordinator : IClientRunner, IRemoteClients, IAsyncDisposable
{
    private readonly object _gate = new();
    private OrleansClientRunner? _runner;
    private string _state;

    public ClusterCoordinator(ClusterSettings settings)
    {
        Settings = settings;
        _state = settings.Enabled ? "connecting" : "not configured (FedLab:Cluster:Enabled is false)";
    }

    public ClusterSettings Settings { get; }

    public bool Enabled => Settings.Enabled;

    /// <summary>"connected", "connecting", or why not.</summary>
    public string State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public OrleansClientRunner? Runner
    {
        get
        {
            lock (_gate)
            {
                return _runner;
            }
        }
    }

    /// <summary>Connects (retrying until <paramref name="ct"/> ends); the settings were validated at start-up.</summary>
    public async Task ConnectAsync(CancellationToken ct)
    {
        var connection = await ClusterConnection.ConnectAsync(Settings, ct);
        lock (_gate)
        {
            _runner = new OrleansClientRunner(connection);
            _state = "connected";
        }
    }

    public void Failed(string reason)
    {
        lock (_gate)
        {
            _state = reason;
        }
    }

    private OrleansClientRunner Connected => Runner ?? throw new InvalidOperationException($"the run's clients go to the cluster (FedLab:Cluster:Enabled), but the cluster is {State}; start the workers (docs/cluster.md) or turn the setting off");

    public IRemoteSession Open(RunSpec spec, RoundExtras extras) => Connected.Open(spec, extras);

    public void Run<T>(int round, IReadOnlyList<int> clients, ClientWork<T> work, Action<ClientOutcome<T>> completed, CancellationToken ct) =>
        Connected.Run(round, clients, work, completed, ct);

    public async ValueTask DisposeAsync()
    {
        if (Runner is { } runner)
        {
            await runner.Cluster.DisposeAsync();
        }
    }
}
