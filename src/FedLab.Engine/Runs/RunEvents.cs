namespace FedLab.Engine.Runs;

/// <summary>Progress of a run, as immutable records in the order the engine produced them.</summary>
public abstract record RunEvent(Guid RunId, DateTimeOffset Timestamp);

/// <summary>The run began (FirstRound = 0) or resumed from a checkpoint (FirstRound = last completed round + 1).</summary>
public sealed record RunStarted(Guid RunId, DateTimeOffset Timestamp, RunSpec Spec, RunInfo Info, int FirstRound) : RunEvent(RunId, Timestamp);

public sealed record ClientRoundFinished(Guid RunId, DateTimeOffset Timestamp, ClientRoundMetrics Metrics) : RunEvent(RunId, Timestamp);

/// <summary>
/// A selected client produced no usable result in a round (an error, a missed deadline, a dropout). The round goes on
/// without it; the failure is recorded and shown, never thrown through the run.
/// </summary>
public sealed record ClientRoundFailed(Guid RunId, DateTimeOffset Timestamp, ClientFailure Failure) : RunEvent(RunId, Timestamp);

/// <summary>
/// A round completed and was evaluated. <see cref="CheckpointPath"/> is the file holding everything needed to
/// continue after this round (null when the run was started without a checkpoint folder).
/// </summary>
public sealed record RoundFinished(Guid RunId, DateTimeOffset Timestamp, RoundMetrics Metrics, int TotalRounds, string? CheckpointPath) : RunEvent(RunId, Timestamp);

public sealed record RunFinished(Guid RunId, DateTimeOffset Timestamp, double BestAccuracy, double FinalAccuracy, double WallSeconds) : RunEvent(RunId, Timestamp);

public sealed record RunFailed(Guid RunId, DateTimeOffset Timestamp, string Error) : RunEvent(RunId, Timestamp);

public sealed record RunCancelled(Guid RunId, DateTimeOffset Timestamp, int CompletedRounds) : RunEvent(RunId, Timestamp);
