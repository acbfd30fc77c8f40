namespace FedLab.Web.Hubs;

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
    double? Accuracy,
    IReadOnlyDictionary<string, double> Extra);
