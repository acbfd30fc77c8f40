namespace FedLab.Web.Hubs;

/// <summary>
/// "RoundFinished": one round of a run, after aggregation and evaluation (round 0 = before training).
/// Bytes are the lengths of the payloads the engine serialised, summed over the round's clients;
/// the by-kind maps are keyed by payload kind name (parameters, logits, activations, activationGradients, labels,
/// or any other kind a framework sends) and list only kinds that carried bytes. <see cref="Timestamp"/> is when the engine finished the round.
/// <see cref="Extra"/>: the round's further named metrics ("validation.accuracy", "privacy.epsilon", ...; see
/// FedLab.Engine.Runs.MetricNames), empty when there are none.
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
    double WallSeconds,
    IReadOnlyDictionary<string, double> Extra);
