using FedLab.Data;
using FedLab.Engine.Runs;
using FedLab.Web.Live;

namespace FedLab.Web.Queue;

/// <summary>The queue's workers: each takes the next run, executes it on its own thread, and records how it ended.</summary>
public sealed partial class RunQueue
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, _settings.MaxConcurrentRuns).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var runId in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                ActiveRun? active = null;
                lock (_transition)
                {
                    if (_waiting.TryRemove(runId, out _))
                    {
                        active = new ActiveRun(runId, _time.GetUtcNow());
                        _active[runId] = active;
                    }
                }
                if (active is not null)
                {
                    await ExecuteRunAsync(active, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host shutting down; runs still waiting stay Queued in the store.
        }
    }

    private async Task ExecuteRunAsync(ActiveRun active, CancellationToken stoppingToken)
    {
        var runId = active.RunId;
        using var owned = active;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, active.Cancellation.Token);
        try
        {
            _logger.LogInformation("run {RunId} starting", runId);
            // The one launcher the CLI uses too: recorder first, checkpoint after every round, a resume from the
            // run's checkpoint, and a run that cannot start marked Failed.
            var recorded = await _launcher.ExecuteQueuedAsync(runId, _engine, new HostedRunSink(_broadcaster, _hub, active.Observe), linked.Token);
            var result = recorded.Result;
            if (result.Status == RunStatus.Cancelled && stoppingToken.IsCancellationRequested && !active.Cancellation.IsCancellationRequested)
            {
                await SetStatusAsync(runId, RunStatus.Interrupted, "the dashboard stopped during this run; resume it to continue", CancellationToken.None);
            }
            _logger.LogInformation("run {RunId} ended: {Status}", runId, result.Status);
            if (recorded.FailedWrites > 0)
            {
                _logger.LogError(recorded.LastWriteError, "run {RunId}: {Count} event(s) could not be written to the database; its stored rounds are incomplete", runId, recorded.FailedWrites);
            }
        }
        catch (Exception ex) when (ex is RunSpecException or IOException or InvalidDataException)
        {
            // The run could not start (e.g. the dataset file vanished) before any event; the launcher marked it Failed.
            _logger.LogWarning("run {RunId} could not start: {Message}", runId, RunLauncher.FailureMessage(ex));
            Announce(new RunStatusChanged(runId, _time.GetUtcNow(), RunStatus.Failed, RunLauncher.FailureMessage(ex)));
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            var status = stoppingToken.IsCancellationRequested && !active.Cancellation.IsCancellationRequested ? RunStatus.Interrupted : RunStatus.Cancelled;
            await SetStatusAsync(runId, status, null, CancellationToken.None);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "run {RunId} could not run", runId);
            await SetStatusAsync(runId, RunStatus.Failed, ex.Message, CancellationToken.None);
        }
        finally
        {
            lock (_transition)
            {
                _active.TryRemove(runId, out _);
            }
        }
    }

    private async Task SetStatusAsync(Guid runId, RunStatus status, string? error, CancellationToken ct)
    {
        try
        {
            await _store.SetStatusAsync(runId, status, error, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "could not store status {Status} of run {RunId}", status, runId);
        }
        Announce(new RunStatusChanged(runId, _time.GetUtcNow(), status, error));
    }

    private void Announce(RunStatusChanged change)
    {
        _broadcaster.Publish(change);
        _hub.Post(change);
    }
}
