using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FedLab.Cluster;

/// <summary>
/// Worker processes on localhost (a built FedLab.Worker.dll, started with <c>dotnet</c>, on free ports) and the
/// coordinator's connection to them, for tests and benchmarks. The first worker holds the development membership table; the others join it.
/// Start waits for each worker's ready line and for the membership to list every worker; Dispose kills them all.
/// </summary>
public sealed class LocalWorkers : IAsyncDisposable
{
    private readonly List<(Process Process, int SiloPort, int GatewayPort)> _workers = [];
    private readonly List<string> _log = [];
    private readonly string _dll;
    private readonly string[] _extra;

    private LocalWorkers(string dll, string[] extra)
    {
        _dll = dll;
        _extra = extra;
    }

    public ClusterConnection Connection { get; private set; } = null!;

    public IReadOnlyList<int> Pids => _workers.Select(w => w.Process.Id).ToList();

    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    /// <summary>The worker beside a repository's build: src/FedLab.Worker/bin/&lt;configuration&gt;/net10.0/FedLab.Worker.dll.</summary>
    public static string WorkerDll(string repositoryRoot, string configuration)
    {
        string dll = Path.Combine(repositoryRoot, "src", "FedLab.Worker", "bin", configuration, "net10.0", "FedLab.Worker.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("build src/FedLab.Worker first", dll);
    }

    /// <param name="extra">More worker options for every worker (e.g. --cache-dir, --threads).</param>
    public static Task<LocalWorkers> StartAsync(string workerDll, int count, ClusterSettings? settings = null, TimeSpan? timeout = null, params string[] extra) =>
        StartAsync(workerDll, count, count, settings, timeout, extra);

    /// <param name="gateways">
    /// The coordinator connects through the first <paramref name="gateways"/> workers' gateways (a deployment connects
    /// through its stable workers; calls lost with a dying gateway are sent again either way, docs/cluster.md Faults).
    /// </param>
    public static async Task<LocalWorkers> StartAsync(string workerDll, int count, int gateways, ClusterSettings? settings, TimeSpan? timeout, params string[] extra)
    {
        var workers = new LocalWorkers(workerDll, extra);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        try
        {
            settings ??= new ClusterSettings { Enabled = true, CallTimeoutSeconds = 60 };
            for (int i = 0; i < count; i++)
            {
                await workers.StartOneAsync(settings, cts.Token);
            }
            settings.GatewayPorts = workers._workers.Take(Math.Clamp(gateways, 1, count)).Select(w => w.GatewayPort).ToArray();
            workers.Connection = await ClusterConnection.ConnectAsync(settings, cts.Token);
            await workers.WaitForMembersAsync(count, cts.Token);
            await workers.WaitForHomesAsync(count, cts.Token);
            return workers;
        }
        catch (OperationCanceledException)
        {
            string log = workers.Log;
            await workers.DisposeAsync();
            throw new TimeoutException($"the workers did not form a cluster in time; their output:\n{log}");
        }
        catch
        {
            await workers.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more worker joining the first (also after the cluster formed: a worker that joins mid-run).</summary>
    public async Task StartOneAsync(ClusterSettings settings, CancellationToken ct)
    {
        int silo = FreePort(), gateway = FreePort();
        var args = new List<string> { _dll, "--silo-port", silo.ToString(CultureInfo.InvariantCulture), "--gateway-port", gateway.ToString(CultureInfo.InvariantCulture),
            "--call-timeout", settings.CallTimeoutSeconds.ToString(CultureInfo.InvariantCulture) };
        if (_workers.Count > 0)
        {
            args.AddRange(["--primary", $"127.0.0.1:{_workers[0].SiloPort}"]);
        }
        args.AddRange(_extra);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        args.ForEach(start.ArgumentList.Add);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            lock (_log)
            {
                _log.Add($"[{silo}] {e.Data}");
            }
            if (e.Data.StartsWith("fedlab worker ready", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_log)
                {
                    _log.Add($"[{silo}!] {e.Data}");
                }
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"worker on port {silo} exited with {process.ExitCode}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _workers.Add((process, silo, gateway));
        await ready.Task.WaitAsync(ct);
    }

    /// <summary>Waits until the membership lists exactly <paramref name="count"/> active workers.</summary>
    public async Task WaitForMembersAsync(int count, CancellationToken ct)
    {
        while ((await Connection.ActiveWorkersAsync()).Count != count)
        {
            await Task.Delay(100, ct); // polling the membership table: there is no event to await from a client
        }
    }

    /// <summary>Waits until <paramref name="count"/> workers' client hosts answer from their own worker (see <see cref="ClusterConnection.AtHomeAsync"/>).</summary>
    public async Task WaitForHomesAsync(int count, CancellationToken ct)
    {
        while ((await Connection.AtHomeAsync(await Connection.ActiveWorkersAsync())).Count < count)
        {
            await Task.Delay(200, ct);
        }
    }

    /// <summary>SIGKILL: the worker vanishes without a goodbye, as a crashed machine does.</summary>
    public void Kill(int index) => _workers[index].Process.Kill(entireProcessTree: true);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (Connection is not null)
        {
            try
            {
                await Connection.DisposeAsync();
            }
            catch (Exception)
            {
                // the workers may already be gone
            }
        }
        foreach (var (process, _, _) in _workers)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }
            process.Dispose();
        }
    }
}
