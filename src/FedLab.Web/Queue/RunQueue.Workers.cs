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
                // The recorder may not have stored how the run ended (a full data folder): store it here, and keep
                // trying in the background until it is stored, so the run never stays "running" for good.
                var error = result.Error ?? (recorded.LastWriteError is { } e ? Data.StorageFailure.Describe(e) : null);
                if (!await SetStatusAsync(runId, result.Status, error, CancellationToken.None))
                {
                    _unstoredEnds[runId] = (result.Status, error);
                    _ = StoreEndLaterAsync(runId, stoppingToken);
                }
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
            if (!await SetStatusAsync(runId, RunStatus.Failed, ex.Message, CancellationToken.None))
            {
                _unstoredEnds[runId] = (RunStatus.Failed, ex.Message);
                _ = StoreEndLaterAsync(runId, stoppingToken);
            }
        }
        finally
        {
            lock (_transition)
            {
                _active.TryRemove(runId, out _);
            }
        }
    }

    /// <summary>Stores and announces a status; false (logged) when it could not be stored.</summary>
    private async Task<bool> SetStatusAsync(Guid runId, RunStatus status, string? error, CancellationToken ct)
    {
        bool stored = true;
        try
        {
            await _store.SetStatusAsync(runId, status, error, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "could not store status {Status} of run {RunId}", status, runId);
            stored = false;
        }
        Announce(new RunStatusChanged(runId, _time.GetUtcNow(), status, error));
        return stored;
    }

    /// <summary>Retries storing how a run ended (e.g. until space is back in the data folder).</summary>
    private async Task StoreEndLaterAsync(Guid runId, CancellationToken stoppingToken)
    {
        try
        {
            while (_unstoredEnds.ContainsKey(runId))
            {
                await Task.Delay(StoreEndRetry, _time, stoppingToken);
                await TryStoreEndAsync(runId, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping: the next start marks the run interrupted (its owner is gone).
        }
    }

    /// <summary>Stores a pending end status now; true when there is none left to store.</summary>
    private async Task<bool> TryStoreEndAsync(Guid runId, CancellationToken ct)
    {
        if (!_unstoredEnds.TryGetValue(runId, out var end))
        {
            return true;
        }
        try
        {
            await _store.SetStatusAsync(runId, end.Status, end.Error, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogDebug(ex, "run {RunId}: its end status still cannot be stored", runId);
            return false;
        }
        _unstoredEnds.TryRemove(runId, out _);
        _logger.LogInformation("run {RunId}: its end status ({Status}) is stored now", runId, end.Status);
        return true;
    }

    private void Announce(RunStatusChanged change)
    {
        _broadcaster.Publish(change);
        _hub.Post(change);
    }
}
