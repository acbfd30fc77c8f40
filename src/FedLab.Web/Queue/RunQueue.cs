using System.Collections.Concurrent;
using System.Threading.Channels;
using FedLab.Data;
using FedLab.Engine.Federation;
using FedLab.Engine.Runs;
using FedLab.Web.Hubs;
using FedLab.Web.Live;
using Microsoft.Extensions.Options;

namespace FedLab.Web.Queue;

/// <summary>
/// The hosted engine: runs wait in a bounded queue and up to FedLab:MaxConcurrentRuns execute at once, each
/// started by the same <see cref="RunLauncher"/> as the CLI (on its own dedicated thread, never a request or UI
/// thread; recorder first; a checkpoint after every round). Cancel stops a run at the next batch boundary (or unqueues it); resume
/// re-queues an interrupted, cancelled or failed run, which continues after its last recorded round.
/// Stopping the host cancels running runs and marks them Interrupted, so they can be resumed later.
/// </summary>
public sealed partial class RunQueue : BackgroundService
{
    private readonly RunStore _store;
    private readonly RunLauncher _launcher;
    private readonly RunBroadcaster _broadcaster;
    private readonly HubForwarder _hub;
    private readonly FedLabSettings _settings;
    private readonly EngineOptions _engine;
    private readonly TimeProvider _time;
    private readonly ILogger<RunQueue> _logger;
    private readonly Channel<Guid> _queue;
    private readonly ConcurrentDictionary<Guid, byte> _waiting = new();
    private readonly ConcurrentDictionary<Guid, ActiveRun> _active = new();
    // Runs that ended while their end status could not be stored (a full data folder), and that status.
    private readonly ConcurrentDictionary<Guid, (RunStatus Status, string? Error)> _unstoredEnds = new();
    private readonly SemaphoreSlim _admission = new(1, 1);
    // Moving a run from waiting to active, and cancelling it, happen under this lock: a cancel never falls
    // between the two.
    private readonly Lock _transition = new();

    public RunQueue(RunStore store, RunLauncher launcher, RunBroadcaster broadcaster, HubForwarder hub,
        IOptions<FedLabSettings> settings, EngineOptions engine, TimeProvider time, ILogger<RunQueue> logger)
    {
        _store = store;
        _launcher = launcher;
        _broadcaster = broadcaster;
        _hub = hub;
        _settings = settings.Value;
        // The dashboard's runs read its uploads, whoever built the engine options.
        _engine = engine.UploadDirectory is null ? engine with { UploadDirectory = _settings.UploadDirectory } : engine;
        _time = time;
        _logger = logger;
        // Admission is checked before anything is created (see Admit), so writers never actually wait;
        // Wait is the explicit policy for the impossible case rather than silently dropping a run.
        _queue = Channel.CreateBounded<Guid>(new BoundedChannelOptions(_settings.MaxQueuedRuns)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
    }

    /// <summary>How often a run's end status that could not be stored is tried again.</summary>
    private static readonly TimeSpan StoreEndRetry = TimeSpan.FromSeconds(1);

    public int WaitingCount => _waiting.Count;

    public IReadOnlyList<RunProgress> Running => [.. _active.Values.Select(a => a.Progress)];

    public bool IsRunning(Guid runId) => _active.ContainsKey(runId);

    public bool IsWaiting(Guid runId) => _waiting.ContainsKey(runId);

    public RunProgress? ProgressOf(Guid runId) => _active.TryGetValue(runId, out var a) ? a.Progress : null;

    /// <summary>Creates a run (status Queued) and queues it. The spec must already be validated.</summary>
    public async Task<Guid> EnqueueAsync(RunSpec spec, Guid? experimentId, CancellationToken ct)
    {
        var ids = await AdmitAsync(1, async () => [await _store.CreateRunAsync(spec, experimentId, ct)], ct);
        return ids[0];
    }

    /// <summary>Creates an experiment and its runs (all queued, in order) in one admission.</summary>
    public async Task<(Guid ExperimentId, IReadOnlyList<Guid> RunIds)> EnqueueExperimentAsync(string name, string? description,
        IReadOnlyList<RunSpec> specs, CancellationToken ct)
    {
        Guid experimentId = Guid.Empty;
        var ids = await AdmitAsync(specs.Count, async () =>
        {
            experimentId = await _store.CreateExperimentAsync(name, description, ct);
            var created = new List<Guid>();
            foreach (var spec in specs)
            {
                created.Add(await _store.CreateRunAsync(spec, experimentId, ct));
            }
            return created;
        }, ct);
        return (experimentId, ids);
    }

    public async Task<RunActionResult> CancelAsync(Guid runId, CancellationToken ct)
    {
        ActiveRun? active;
        bool unqueued;
        lock (_transition)
        {
            _active.TryGetValue(runId, out active);
            unqueued = active is null && _waiting.TryRemove(runId, out _);
        }
        if (active is not null)
        {
            // The engine stops at the next batch boundary and reports RunCancelled, which the recorder stores.
            await active.Cancellation.CancelAsync();
            return RunActionResult.Done;
        }
        if (unqueued)
        {
            await SetStatusAsync(runId, RunStatus.Cancelled, null, ct);
            return RunActionResult.Done;
        }
        var summary = await _store.GetRunSummaryAsync(runId, ct);
        return summary is null
            ? RunActionResult.Missing(runId)
            : RunActionResult.Refused($"the run is {HubMessageMapper.StatusName(summary.Status)}; only queued or running runs can be cancelled");
    }

    /// <summary>
    /// Queues a stopped run again. The data layer's resume plan checks it first (status, a checkpoint that
    /// exists and matches), so a run that cannot continue is refused with the reason and nothing changes.
    /// </summary>
    public async Task<RunActionResult> ResumeAsync(Guid runId, CancellationToken ct)
    {
        if (_active.ContainsKey(runId) || _waiting.ContainsKey(runId))
        {
            return RunActionResult.Refused("the run is already queued or running");
        }
        if (!await TryStoreEndAsync(runId, ct))
        {
            return RunActionResult.Refused("the run stopped because its data could not be written, and its end still cannot be stored; free space in the data folder and try again");
        }
        if (await _store.GetRunSummaryAsync(runId, ct) is null)
        {
            return RunActionResult.Missing(runId);
        }
        try
        {
            await _launcher.PlanResumeAsync(runId, ct);
        }
        catch (ResumeRefusedException ex)
        {
            return RunActionResult.Refused(ex.Message);
        }
        await AdmitAsync(1, async () =>
        {
            await _store.SetStatusAsync(runId, RunStatus.Queued, null, ct);
            return [runId];
        }, ct);
        return RunActionResult.Done;
    }

    public async Task<RunActionResult> DeleteAsync(Guid runId, CancellationToken ct)
    {
        if (_active.ContainsKey(runId) || _waiting.ContainsKey(runId))
        {
            return RunActionResult.Refused("the run is queued or running; cancel it first");
        }
        try
        {
            if (!await _store.DeleteRunAsync(runId, ct))
            {
                return RunActionResult.Missing(runId);
            }
        }
        catch (InvalidOperationException ex)
        {
            // Running in another live process (e.g. the CLI).
            return RunActionResult.Refused(ex.Message);
        }
        Announce(new RunStatusChanged(runId, _time.GetUtcNow(), RunStatus.Cancelled, null, Deleted: true));
        return RunActionResult.Done;
    }

    /// <summary>Runs the creation only if the queue has room for <paramref name="count"/> more, then queues the ids.</summary>
    private async Task<IReadOnlyList<Guid>> AdmitAsync(int count, Func<Task<IReadOnlyList<Guid>>> create, CancellationToken ct)
    {
        await _admission.WaitAsync(ct);
        try
        {
            if (_waiting.Count + count > _settings.MaxQueuedRuns)
            {
                throw new QueueFullException(_settings.MaxQueuedRuns);
            }
            var ids = await create();
            foreach (var id in ids)
            {
                _waiting[id] = 0;
                Announce(new RunStatusChanged(id, _time.GetUtcNow(), RunStatus.Queued, null));
                if (!_queue.Writer.TryWrite(id))
                {
                    await _queue.Writer.WriteAsync(id, ct);
                }
            }
            return ids;
        }
        finally
        {
            _admission.Release();
        }
    }

    public override void Dispose()
    {
        _admission.Dispose();
        base.Dispose();
    }
}
