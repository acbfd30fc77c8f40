using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;
using Orleans.Serialization;

namespace FedLab.Cluster;

/// <summary>The coordinator's connection to the cluster: an Orleans client, the live workers, and calls placed on a chosen worker.</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly GatewaySignal _gateways;

    private ClusterConnection(IHost host, ClusterSettings settings, GatewaySignal gateways)
    {
        _host = host;
        _gateways = gateways;
        Settings = settings;
        Client = host.Services.GetRequiredService<IClusterClient>();
        Serializer = host.Services.GetRequiredService<Serializer>();
    }

    public ClusterSettings Settings { get; }
    public IClusterClient Client { get; }
    public Serializer Serializer { get; }

    /// <summary>Connects (retrying until <paramref name="ct"/> ends, as the workers may still be starting).</summary>
    public static async Task<ClusterConnection> ConnectAsync(ClusterSettings settings, CancellationToken ct)
    {
        var problems = settings.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems));
        }
        var gateways = new GatewaySignal();
        var host = new HostBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .UseOrleansClient(c => c.UseFedLabCluster(settings).AddGatewayCountChangedHandler((_, e) => gateways.Changed(e.NumberOfConnectedGateways, e.PreviousNumberOfConnectedGateways)))
            .Build();
        while (true)
        {
            try
            {
                await host.StartAsync(ct);
                return new ClusterConnection(host, settings, gateways);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct); // no gateway up yet: try again
            }
        }
    }

    /// <summary>
    /// Completes when this client loses a gateway connection after the call (a gateway's worker died or its connection
    /// dropped): a call in flight through that gateway, or its answer, may be lost with it (Orleans delivers at most once).
    /// Take it before sending a call.
    /// </summary>
    public Task NextGatewayLoss => _gateways.NextLoss;

    /// <summary>
    /// The workers the membership table lists as active, in a stable order. The question goes through a gateway too, so
    /// an answer that does not come within <see cref="MembershipQueryTimeout"/> (lost with a dying gateway) is asked again,
    /// three times in all.
    /// </summary>
    public async Task<IReadOnlyList<SiloAddress>> ActiveWorkersAsync()
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                var hosts = await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(MembershipQueryTimeout);
                return hosts.Keys.OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToList();
            }
            catch (Exception ex) when (attempt < 3 && ex is TimeoutException or OrleansException)
            {
                // asked again, through whichever gateway is live now
            }
        }
    }

    private TimeSpan MembershipQueryTimeout => TimeSpan.FromSeconds(Math.Min(10, Settings.CallTimeoutSeconds));

    /// <summary>
    /// Completes when the membership no longer lists <paramref name="silo"/> as active (declared dead within seconds of
    /// a crash), so a call waiting on a killed worker ends then rather than at the call timeout. Checks every second.
    /// </summary>
    public async Task WhenLostAsync(SiloAddress silo, CancellationToken ct)
    {
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            try
            {
                if (!(await ActiveWorkersAsync()).Contains(silo))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // the membership could not be read this time: keep waiting, the call's own timeout still bounds it
            }
        }
    }

    /// <summary>Calls the client host of <paramref name="silo"/> (activated on that silo through a placement hint).</summary>
    public Task<T> OnWorker<T>(SiloAddress silo, Func<IClientWorkerGrain, Task<T>> call)
    {
        var grain = Client.GetGrain<IClientWorkerGrain>(silo.ToParsableString());
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
        try
        {
            return call(grain);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    /// <summary>
    /// Those of <paramref name="workers"/> whose client host answers from the worker itself. Orleans honours the placement
    /// hint only once the placing silo knows the worker's grain types, which can take seconds after a worker joins; until
    /// then a host for it is placed elsewhere (and goes away again). Such a worker is not used yet.
    /// </summary>
    public async Task<IReadOnlyList<SiloAddress>> AtHomeAsync(IReadOnlyList<SiloAddress> workers)
    {
        var answers = await Task.WhenAll(workers.Select(async silo =>
        {
            try
            {
                var info = await OnWorker(silo, g => g.Describe()).WaitAsync(MembershipQueryTimeout);
                return info.Silo == silo.ToParsableString() ? silo : null;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return null; // unreachable now: asked again at the next round
            }
        }));
        return answers.OfType<SiloAddress>().ToList();
    }

    /// <summary>Every active worker's self-description; a worker that does not answer within the timeout is listed as unreachable.</summary>
    public async Task<IReadOnlyList<(SiloAddress Silo, WorkerInfo? Info, string? Problem)>> DescribeWorkersAsync(TimeSpan timeout)
    {
        var workers = await ActiveWorkersAsync();
        var answers = await Task.WhenAll(workers.Select(async silo =>
        {
            try
            {
                return (silo, (WorkerInfo?)await OnWorker(silo, g => g.Describe()).WaitAsync(timeout), (string?)null);
            }
            catch (Exception ex)
            {
                return (silo, null, ex.Message);
            }
        }));
        return answers;
    }

    /// <summary>Gateway connection counts from Orleans' client, as a task that completes at the next loss.</summary>
    private sealed class GatewaySignal
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task NextLoss => Volatile.Read(ref _next).Task;

        public void Changed(int now, int before)
        {
            if (now < before)
            {
                Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            _host.Dispose();
        }
    }
}
