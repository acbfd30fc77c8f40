using FedLab.Engine.Federation;
using FedLab.Engine.Runs;

namespace FedLab.Data;

/// <summary>
/// Executes a stored run with its recorder first in the sink (checkpointing after every round), and resumes a stopped
/// run from its last recorded round into the same run id. The one way runs start: the CLI (<c>run</c>, <c>resume</c>),
/// the dashboard's queue (<see cref="ExecuteQueuedAsync"/>) and the tests. Each execution runs on its own dedicated
/// thread; a run the engine refuses before it starts is marked Failed here.
/// </summary>
public sealed class RunLauncher(RunStore store, RunRecorderFactory recorders, FedLabDataOptions options, TimeProvider? time = null)
{
    /// <summary>
    /// Executes a run created with <see cref="RunStore.CreateRunAsync"/>. If the engine rejects the spec before
    /// starting (a dataset problem found while loading), the run is marked Failed with the message and the
    /// <see cref="RunSpecException"/> is rethrown.
    /// </summary>
    public async Task<RecordedRun> ExecuteAsync(Guid runId, EngineOptions engine, IRunEventSink? observer, CancellationToken ct)
    {
        var run = await store.GetRunSummaryAsync(runId, ct) ?? throw new KeyNotFoundException($"run {runId} does not exist");
        if (run.Status != RunStatus.Queued || run.StartedAt is not null)
        {
            throw new InvalidOperationException($"run {runId} is {run.Status} and has started before; resume it instead (ResumeAsync)");
        }
        var spec = await store.GetSpecAsync(runId, ct);
        try
        {
            return await StartAsync(runId, spec, engine, observer, resumeFrom: null, ct);
        }
        catch (Exception ex) when (ex is RunSpecException or IOException or InvalidDataException)
        {
            await store.SetStatusAsync(runId, RunStatus.Failed, ex.Message, CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Executes a run the dashboard's queue holds in status Queued: a new run starts; a run queued again to resume
    /// continues from the checkpoint after its last recorded round (from the start if it has none). If the run
    /// cannot start (its stored spec no longer parses, the engine rejects it, a dataset or checkpoint file is bad),
    /// it is marked Failed with the message and the exception is rethrown.
    /// </summary>
    public async Task<RecordedRun> ExecuteQueuedAsync(Guid runId, EngineOptions engine, IRunEventSink? observer, CancellationToken ct)
    {
        try
        {
            var spec = await store.GetSpecAsync(runId, ct);
            var checkpoint = await store.GetCheckpointPathAsync(runId, ct);
            bool resumes = checkpoint is not null && File.Exists(checkpoint);
            var before = resumes ? await store.GetRunSummaryAsync(runId, ct) : null;
            return await StartAsync(runId, spec, engine, observer, resumes ? checkpoint : null, ct,
                before is null ? null : (before.MbUp, before.MbDown, before.ClientTflops));
        }
        catch (Exception ex) when (ex is RunSpecException or IOException or InvalidDataException)
        {
            await store.SetStatusAsync(runId, RunStatus.Failed, FailureMessage(ex), CancellationToken.None);
            throw;
        }
    }

    /// <summary>What a run that could not start says: a spec's errors one after the other, or the file problem.</summary>
    public static string FailureMessage(Exception ex) => ex is RunSpecException spec ? string.Join("; ", spec.Errors) : ex.Message;

    /// <summary>Checks that a run can continue; throws <see cref="ResumeRefusedException"/> saying why not.</summary>
    public async Task<ResumePlan> PlanResumeAsync(Guid runId, CancellationToken ct)
    {
        var run = await store.GetRunSummaryAsync(runId, ct) ?? throw new ResumeRefusedException($"run {runId} does not exist");
        if (!RunResumePolicy.CanResume(run.Status))
        {
            throw new ResumeRefusedException(run.Status switch
            {
                RunStatus.Finished => $"run {runId} finished all {run.TotalRounds} rounds; there is nothing to resume",
                RunStatus.Running => $"run {runId} is running in a live process; there is nothing to resume",
                RunStatus.Queued => $"run {runId} is queued and has not started; there is nothing to resume",
                _ => $"run {runId} is {run.Status}; only interrupted, cancelled or failed runs can be resumed",
            });
        }
        RunSpec spec;
        try
        {
            spec = await store.GetSpecAsync(runId, ct);
        }
        catch (RunSpecException ex)
        {
            throw new ResumeRefusedException($"run {runId}'s stored spec no longer parses ({ex.Message}); it cannot be resumed", ex);
        }
        var detail = await store.GetRunAsync(runId, ct) ?? throw new ResumeRefusedException($"run {runId} does not exist");
        if (detail.CheckpointPath is null)
        {
            if (detail.Rounds.Count > 0)
            {
                throw new ResumeRefusedException($"run {runId} has {detail.Rounds.Count} round(s) on disk but no checkpoint (it ran without a checkpoint folder), so it cannot continue deterministically; start it again as a new run");
            }
            return new ResumePlan(runId, spec, run.Status, null, null, spec.Training.Rounds);
        }
        if (!File.Exists(detail.CheckpointPath))
        {
            throw new ResumeRefusedException($"run {runId}'s checkpoint '{detail.CheckpointPath}' (after round {detail.CheckpointRound}) is missing; it cannot be resumed");
        }
        return new ResumePlan(runId, spec, run.Status, detail.CheckpointPath, detail.CheckpointRound, spec.Training.Rounds);
    }

    /// <summary>
    /// Continues a stopped run after its last recorded round, recording into the same run. On CPU it ends with
    /// the metrics an uninterrupted run would have. Throws <see cref="ResumeRefusedException"/> (nothing changed)
    /// when there is nothing to resume or the checkpoint does not match the run.
    /// </summary>
    public async Task<RecordedRun> ResumeAsync(Guid runId, EngineOptions engine, IRunEventSink? observer, CancellationToken ct)
    {
        var plan = await PlanResumeAsync(runId, ct);
        var before = await store.GetRunSummaryAsync(runId, ct);
        if (!await store.TryClaimAsync(runId, plan.Status, ct))
        {
            throw new ResumeRefusedException($"run {runId} changed status while preparing the resume (another process may have resumed it)");
        }
        try
        {
            return await StartAsync(runId, plan.Spec, engine, observer, plan.CheckpointPath, ct,
                before is null ? null : (before.MbUp, before.MbDown, before.ClientTflops));
        }
        catch (Exception ex) when (ex is RunSpecException or InvalidDataException or IOException)
        {
            // Nothing started: the run is as it was.
            await store.ReleaseAsync(runId, plan.Status, before?.Error, CancellationToken.None);
            throw new ResumeRefusedException(ex is RunSpecException spec
                ? $"run {runId} cannot be resumed: {string.Join("; ", spec.Errors)}"
                : $"run {runId} cannot be resumed: {ex.Message}", ex);
        }
    }

    /// <summary>The kept checkpoint of the round a fork names; a <see cref="RunSpecException"/> at <c>fork.round</c> when there is none.</summary>
    public string ForkCheckpoint(ForkSpec fork) =>
        RunCheckpointFiles.ForkProblem(options.CheckpointDirectory, fork) is string problem
            ? throw new RunSpecException([new SpecError("fork.round", problem)])
            : Path.Combine(options.CheckpointDirectory, RunCheckpointFiles.RoundFileName(fork.Run, fork.Round));

    private async Task<RecordedRun> StartAsync(Guid runId, RunSpec spec, EngineOptions engine, IRunEventSink? observer, string? resumeFrom, CancellationToken ct,
        (double MbUp, double MbDown, double ClientTflops)? totalsBefore = null)
    {
        var recorder = recorders.Create(runId);
        using var tensorBoard = options.TensorBoardDirectory is string board ? new Export.TensorBoardSink(board, runId, totalsBefore) : null;
        IRunEventSink[] observers = [.. new[] { observer, tensorBoard }.OfType<IRunEventSink>()];
        // A round that cannot be recorded stops the run (RecordingGuard); an observer that throws does not.
        IRunEventSink sink = new RecordingGuard(recorder, observers.Length == 0 ? null : new RunEventFanOut(observers));
        var forkFrom = resumeFrom is null && spec.Fork is { } fork ? ForkCheckpoint(fork) : null;
        var runOptions = new RunOptions { CheckpointDirectory = options.CheckpointDirectory, ResumeFrom = resumeFrom, ForkFrom = forkFrom };
        var result = await new RunExecutor(engine, time).StartOnDedicatedThread(runId, spec, sink, ct, runOptions);
        return new RecordedRun(result, recorder.FailedWrites, recorder.LastError);
    }
}
