namespace FedLab.Web.Hubs;

/// <summary>
/// "ClientRoundFailed": a selected client produced no result in a round. <see cref="Kind"/> is "error", "deadline",
/// "dropout" or another short name; <see cref="Reason"/> says why, for people. Bytes are those exchanged before the
/// failure (usually the download of the global state).
/// </summary>
public sealed record ClientRoundFailedMessage(
    Guid RunId,
    int Round,
    int ClientId,
    DateTimeOffset Timestamp,
    string Kind,
    string Reason,
    long BytesUp,
    long BytesDown,
    IReadOnlyDictionary<string, long> BytesUpByKind,
    IReadOnlyDictionary<string, long> BytesDownByKind,
    double Seconds);
