namespace FedLab.Engine.Runs;

/// <summary>
/// Why a selected client has no result in a round. <see cref="Kind"/> is an open set of short names
/// (<see cref="ClientFailureKinds"/>); <see cref="Reason"/> is for people. Bytes already exchanged before the failure
/// (for example the download of the global state) are counted, as they were sent.
/// </summary>
public sealed record ClientFailure(
    int Round,
    int ClientId,
    string Kind,
    string Reason,
    IReadOnlyDictionary<PayloadKind, long> BytesDownByKind,
    IReadOnlyDictionary<PayloadKind, long> BytesUpByKind,
    double Seconds)
{
    public long BytesDown => BytesDownByKind.Values.Sum();

    public long BytesUp => BytesUpByKind.Values.Sum();
}
