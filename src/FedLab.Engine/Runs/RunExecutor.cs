using System.Diagnostics;
using System.Runtime.InteropServices;
using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Availability;
using FedLab.Engine.Federation.Privacy;
using FedLab.Engine.Frameworks;
using static TorchSharp.torch;

namespace FedLab.Engine.Runs;

/// <summary>
/// Executes one run on ONE thread (TorchSharp dispose scopes are per thread; nothing inside awaits):
/// validate, load, evaluate round 0, then rounds of the chosen framework, reporting events as it goes.
/// An invalid spec throws <see cref="RunSpecException"/> before any event; a failure after start is reported
/// as <see cref="RunFailed"/>; cancellation (checked between batches) as <see cref="RunCancelled"/>.
/// With a checkpoint folder it saves the framework's state after every round; resuming from such a file
/// continues with the next round (round 0 is not repeated) and, on CPU, ends with the same metrics as an
/// uninterrupted run. The result of a resumed execution holds the rounds it ran itself.
/// </summary>
public sealed class RunExecutor(EngineOptions options, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Runs on a new dedicated thread and completes when the run ends.</summary>
    public Task<RunResult> StartOnDedicatedThread(Guid runId, RunSpec spec, IRunEventSink sink, CancellationToken ct, RunOptions? runOptions = null)
    {
        var completion = new TaskCompletionSource<RunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                completion.SetResult(Execute(runId, spec, sink, ct, runOptions));
            }
            catch (Exception ex)
            {
                completion.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = $"fedlab-run-{runId:N}",
        };
        thread.Start();
        return completion.Task;
    }

    public RunResult Execute(Guid runId, RunSpec spec, IRunEventSink sink, CancellationToken ct, RunOptions? runOptions = null)
    {
        runOptions ??= new RunOptions();
        var errors = new RunSpecValidator().Validate(spec);
        if (errors.Count > 0)
        {
            throw new RunSpecException(errors);
        }
        var wall = Stopwatch.StartNew();
        using var env = RunEnvironment.Create(spec, options);
        var info = env.Describe();
        var rounds = new List<RoundMetrics>();
        var clientRounds = new List<ClientRoundMetrics>();
        var failures = new List<ClientFailure>();
        var context = new FrameworkContext(env, options);
        var schedule = new Performance.EvaluationSchedule(env);
        using var algorithm = FrameworkRegistry.Get(spec.Framework).Create(context);
        int completed = 0;
        if (runOptions.ResumeFrom is string resumePath)
        {
            var (round, state) = RunCheckpoint.Load(resumePath, runId, spec);
            using (state)
            {
                algorithm.RestoreState(state);
                context.RestoreState(state); // the adaptive clipping norm, held stale updates
            }
            completed = round;
        }
        else if (spec.Fork is { } fork && runOptions.ForkFrom is string forkPath)
        {
            using var state = RunCheckpoint.LoadForFork(forkPath, fork);
            try
            {
                algorithm.RestoreState(state);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or KeyNotFoundException or ExternalException)
            {
                throw new RunSpecException([new SpecError("fork", $"round {fork.Round} of run {fork.Run} does not fit this spec's model, fine-tuning or framework ({ex.Message})")]);
            }
            completed = fork.Round;
        }
        // A fork records its starting round again (the parent's weights, evaluated with this spec) before training on.
        bool forked = runOptions.ResumeFrom is null && spec.Fork is not null && runOptions.ForkFrom is not null;
        string? Checkpoint(int round) => runOptions.CheckpointDirectory is string dir
            ? RunCheckpoint.Save(dir, runId, round, spec, algorithm.CheckpointState().Concat(context.CheckpointState()))
            : null;

        try
        {
            // Inside the try: a sink that cannot record the start (a full disk) fails the run like any other error.
            sink.Publish(new RunStarted(runId, _time.GetUtcNow(), spec, info, completed == 0 || forked ? completed : completed + 1));
            var evalClock = Stopwatch.StartNew();
            if (completed == 0 || forked)
            {
                var (initial, initialValidation, _) = schedule.Run(completed, () => algorithm.Evaluate(ct), () => EvaluateValidation(algorithm, env, ct));
                var none = new Dictionary<PayloadKind, long>();
                var clientAccuracy = (algorithm as IClientModelEvaluation)?.ClientAccuracy;
                var zero = new RoundMetrics(completed, initial, 0, 0, 0, none, none, 0, 0, 0, evalClock.Elapsed.TotalSeconds, evalClock.Elapsed.TotalSeconds, null,
                    clientAccuracy?.Mean, clientAccuracy?.Std, MetricNames.Merge(initial.Extra, EvaluationExtras.For(initial, initialValidation, SplitClassCounts(env), env.Generative is not null)));
                rounds.Add(zero);
                var zeroDiverged = RunDivergedException.Check(zero);
                sink.Publish(new RoundFinished(runId, _time.GetUtcNow(), zero, spec.Training.Rounds, zeroDiverged is null ? Checkpoint(completed) : null));
                if (zeroDiverged is not null)
                {
                    throw new RunDivergedException(zeroDiverged);
                }
            }

            var stopping = new EarlyStopping(spec.Training.EarlyStoppingPatience);
            for (int round = completed + 1; round <= spec.Training.Rounds && !stopping.ShouldStop; round++)
            {
                if (PrivacyLedger.ExceedsBudget(spec, round))
                {
                    break; // this round would spend more than privacy.epsilonBudget; the round before says privacy.budgetReached
                }
                var roundClock = Stopwatch.StartNew();
                var clients = AvailabilityPlan.Select(spec, round);
                var outcome = algorithm.RunRound(round, clients, new ClientReports(
                    m =>
                    {
                        if (context.Extras.Client(m.ClientId) is { } noted)
                        {
                            m = m with { Extra = MetricNames.Merge(m.Extra, noted) }; // its simulated time
                        }
                        clientRounds.Add(m);
                        sink.Publish(new ClientRoundFinished(runId, _time.GetUtcNow(), m));
                    },
                    failure =>
                    {
                        failures.Add(failure);
                        sink.Publish(new ClientRoundFailed(runId, _time.GetUtcNow(), failure));
                    }), ct);
                // Dropouts and missed deadlines may empty a round; an error in every client is a fault of the run
                // (a bug, a bad file), not of the clients: end the run rather than train nothing, silently, for ever.
                if (outcome.Clients.Count == 0 && outcome.FailedClients.Count > 0 && outcome.FailedClients.All(f => f.Kind == ClientFailureKinds.Error))
                {
                    throw new InvalidOperationException($"every client failed in round {round}: {outcome.FailedClients[0].Reason}");
                }
                if (context.Extras.TakeRound() is { } extras)
                {
                    outcome = outcome with { Extra = MetricNames.Merge(outcome.Extra, extras) }; // ε, clipping norm, simulated time, ...
                }
                evalClock.Restart();
                var (global, validation, evaluated) = schedule.Run(round, () => algorithm.Evaluate(ct), () => EvaluateValidation(algorithm, env, ct));
                double evalSeconds = evalClock.Elapsed.TotalSeconds;
                var summary = Summarise(round, global, outcome, evalSeconds, roundClock.Elapsed.TotalSeconds, (algorithm as IClientModelEvaluation)?.ClientAccuracy);
                var metrics = summary with { Extra = MetricNames.Merge(summary.Extra, EvaluationExtras.For(global, validation, null, env.Generative is not null)) };
                rounds.Add(metrics);
                if (evaluated)
                {
                    stopping.Observe(round, validation?.Accuracy);
                }
                // A non-finite loss cannot recover: record the round (so its NaN shows), keep the checkpoint of the
                // round before it (a resume retries from there), and end the run as failed, saying so.
                var diverged = RunDivergedException.Check(metrics);
                sink.Publish(new RoundFinished(runId, _time.GetUtcNow(), metrics, spec.Training.Rounds, diverged is null ? Checkpoint(round) : null));
                if (diverged is not null)
                {
                    throw new RunDivergedException(diverged);
                }
            }
            var result = new RunResult(runId, spec, info, RunStatus.Finished, rounds, clientRounds, null, wall.Elapsed.TotalSeconds, Failed(failures));
            sink.Publish(new RunFinished(runId, _time.GetUtcNow(), result.BestAccuracy, result.FinalAccuracy, result.WallSeconds));
            return result;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            sink.Publish(new RunCancelled(runId, _time.GetUtcNow(), rounds.Count == 0 ? completed : rounds[^1].Round));
            return new RunResult(runId, spec, info, RunStatus.Cancelled, rounds, clientRounds, null, wall.Elapsed.TotalSeconds, Failed(failures));
        }
        catch (Exception ex) when (ex is not RunSpecException)
        {
            var message = FailureMessage(ex);
            sink.Publish(new RunFailed(runId, _time.GetUtcNow(), message));
            return new RunResult(runId, spec, info, RunStatus.Failed, rounds, clientRounds, message, wall.Elapsed.TotalSeconds, Failed(failures));
        }
    }

    /// <summary>The validation metrics of the framework's model, when the run holds a validation split out and the framework can evaluate on it.</summary>
    private static EvalMetrics? EvaluateValidation(IFederatedAlgorithm algorithm, RunEnvironment env, CancellationToken ct) =>
        env.Validation.Count > 0 && algorithm is IValidationEvaluation v ? v.EvaluateValidation(ct) : null;

    /// <summary>The class counts of the splits the run uses, reported with round 0 (the baseline and the class balance follow from them).</summary>
    private static Dictionary<string, int[]> SplitClassCounts(RunEnvironment env)
    {
        int[] Count(TokenizedSet set)
        {
            var counts = new int[env.Dataset.NumClasses];
            foreach (var label in set.Labels)
            {
                counts[label]++;
            }
            return counts;
        }
        var splits = new Dictionary<string, int[]> { ["train"] = Count(env.Train), ["test"] = Count(env.Test) };
        if (env.Validation.Count > 0)
        {
            splits["validation"] = Count(env.Validation);
        }
        return splits;
    }

    private static IReadOnlyList<ClientFailure>? Failed(List<ClientFailure> failures) => failures.Count == 0 ? null : failures;

    /// <summary>The error a failed run reports: a full disk (checkpoint write) says so in plain words.</summary>
    private static string FailureMessage(Exception ex) =>
        ex is IOException && DiskFull(ex) ? $"the disk is full: {ex.Message}" : ex.Message;

    /// <summary>ENOSPC (28) on Unix, ERROR_DISK_FULL (112) / ERROR_HANDLE_DISK_FULL (39) on Windows.</summary>
    internal static bool DiskFull(Exception ex) =>
        (ex.HResult & 0xFFFF) is 28 or 39 or 112 || ex.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase);

    private static RoundMetrics Summarise(int round, EvalMetrics global, RoundOutcome outcome, double evalSeconds, double wallSeconds, (double Mean, double Std)? clientAccuracy)
    {
        // Bytes a failed client already exchanged were sent, so they count; its training loss and FLOPs do not.
        var c = outcome.Clients;
        var f = outcome.FailedClients;
        return new RoundMetrics(
            round,
            global,
            c.Count,
            c.Sum(m => m.BytesDown) + f.Sum(x => x.BytesDown),
            c.Sum(m => m.BytesUp) + f.Sum(x => x.BytesUp),
            TrafficMeter.Sum(c.Select(m => m.BytesDownByKind).Concat(f.Select(x => x.BytesDownByKind))),
            TrafficMeter.Sum(c.Select(m => m.BytesUpByKind).Concat(f.Select(x => x.BytesUpByKind))),
            c.Sum(m => m.Flops),
            c.Sum(m => m.Seconds),
            outcome.ServerSeconds,
            evalSeconds,
            wallSeconds,
            c.Count == 0 ? null : c.Sum(m => m.TrainLoss * m.Examples) / Math.Max(1, c.Sum(m => m.Examples)),
            clientAccuracy?.Mean,
            clientAccuracy?.Std,
            MetricNames.Merge(global.Extra, outcome.Extra));
    }
}
