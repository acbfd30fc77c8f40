namespace FedLab.Web.Hubs;

/// <summary>
/// "RoundFinished": one round of a run, after aggregation and evaluation (round 0 = before training).
/// Bytes are the lengths of the payloads the engine serialised, summed over the round's clients;
/// the by-kind maps use the keys parameters, logits, activations, activationGradients, labels and list only
/// kinds that carried bytes. <see cref="Timestamp"/> is when the engine finished the round.
/// </summary>
public sealed record RoundMessage(
    Guid RunId,
    int Round,
    int TotalRounds,
    DateTimeOffset Timestamp,
    double Accuracy,
    double MacroF1,
    double Loss,
    double? TrainLoss,
    double? ClientAccuracyMean,
    double? ClientAccuracyStd,
    int Clients,
    long BytesUp,
    long BytesDown,
    IReadOnlyDictionary<string, long> BytesUpByKind,
    IReadOnlyDictionary<string, long> BytesDownByKind,
    double ClientFlops,
    double ClientSeconds,
    double ServerSeconds,
    double EvalSeconds,
    double WallSeconds);

/// <summary>"ClientRoundFinished": one client's work in one round.</summary>
public sealed record ClientRoundMessage(
    Guid RunId,
    int Round,
    int ClientId,
    DateTimeOffset Timestamp,
    int Examples,
    int Steps,
    double TrainLoss,
    long BytesUp,
    long BytesDown,
    IReadOnlyDictionary<string, long> BytesUpByKind,
    IReadOnlyDictionary<string, long> BytesDownByKind,
    double Flops,
    double Seconds,
    double? Accuracy);

/// <summary>
/// "RunStatusChanged": status is one of queued, running, finished, failed, cancelled, interrupted, deleted.
/// <see cref="FirstRound"/> is set when a run starts (0, or the round a resume continues with).
/// </summary>
public sealed record RunStatusMessage(Guid RunId, string Status, DateTimeOffset Timestamp, string? Error, int? FirstRound, int? TotalRounds);

/// <summary>What <c>JoinRun</c> returns: the run's status and every round recorded so far.</summary>
public sealed record RunSnapshotMessage(Guid RunId, string Name, string Status, int TotalRounds, IReadOnlyList<RoundMessage> Rounds);
