namespace FedLab.Engine.Runs;

/// <summary>Progress of a run, as immutable records in the order the engine produced them.</summary>
public abstract record RunEvent(Guid RunId, DateTimeOffset Timestamp);

public sealed record RunStarted(Guid RunId, DateTimeOffset Timestamp, RunSpec Spec, RunInfo Info) : RunEvent(RunId, Timestamp);

public sealed record ClientRoundFinished(Guid RunId, DateTimeOffset Timestamp, ClientRoundMetrics Metrics) : RunEvent(RunId, Timestamp);

public sealed record RoundFinished(Guid RunId, DateTimeOffset Timestamp, RoundMetrics Metrics, int TotalRounds) : RunEvent(RunId, Timestamp);

public sealed record RunFinished(Guid RunId, DateTimeOffset Timestamp, double BestAccuracy, double FinalAccuracy, double WallSeconds) : RunEvent(RunId, Timestamp);

public sealed record RunFailed(Guid RunId, DateTimeOffset Timestamp, string Error) : RunEvent(RunId, Timestamp);

public sealed record RunCancelled(Guid RunId, DateTimeOffset Timestamp, int CompletedRounds) : RunEvent(RunId, Timestamp);
