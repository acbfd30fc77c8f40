using FedLab.Engine.Runs;

namespace FedLab.Engine.Federation.SecureAggregation;

/// <summary>
/// Counts the protocol's own bytes on each participant's link, as their own payload kinds: "secaggKeys" (its two
/// public keys up; every other participant's down), "secaggShares" (its encrypted shares up; those addressed to it
/// down), "secaggUnmask" (one revealed share per other participant, sent by clients whose update arrived) and, when
/// the ring is 64 bits wide, "secaggMasked" (the masked vector's 4 extra bytes per coordinate over the float32
/// parameters it replaces; a 32-bit ring is the same length as the parameters and stays counted there). Runs
/// outermost, so it sees whether a client was late.
/// </summary>
public sealed class SecAggTrafficRunner(IClientRunner inner, SecAggSession session) : IClientRunner
{
    public static readonly PayloadKind Keys = new("secaggKeys");
    public static readonly PayloadKind Shares = new("secaggShares");
    public static readonly PayloadKind Unmask = new("secaggUnmask");
    public static readonly PayloadKind Masked = new("secaggMasked");

    public void Run<T>(int round, IReadOnlyList<int> clients, ClientWork<T> work, Action<ClientOutcome<T>> completed, CancellationToken ct) =>
        inner.Run(round, clients, work, outcome => completed(Count(round, outcome)), ct);

    private ClientOutcome<T> Count<T>(int round, ClientOutcome<T> outcome)
    {
        var r = session.Current;
        int client = outcome.ClientId;
        if (r is null || r.Round != round || !r.Takes(client) || outcome.Failure?.Kind == ClientFailureKinds.Dropped)
        {
            return outcome;
        }
        // Real protocol messages (keys, encrypted shares); the unmasking message is one share per other participant.
        var up = new List<Payload> { new(Keys, r.KeyMessage(client)), new(Shares, r.SharesFrom(client)) };
        var down = new List<Payload> { new(Keys, r.KeysFor(client)), new(Shares, r.SharesTo(client)) };
        if (outcome.Succeeded)
        {
            up.Add(new(Unmask, new byte[r.UnmaskBytes]));
        }
        if (session.RingBits == 64)
        {
            up.Add(new(Masked, new byte[4L * session.Coordinates]));
        }
        if (outcome.Failure is { } failure)
        {
            return outcome with
            {
                Failure = failure with
                {
                    BytesUpByKind = TrafficMeter.Sum([failure.BytesUpByKind, ByKind(up)]),
                    BytesDownByKind = TrafficMeter.Sum([failure.BytesDownByKind, ByKind(down)]),
                },
            };
        }
        up.ForEach(p => outcome.Link.Sent(p));
        down.ForEach(p => outcome.Link.Received(p));
        return outcome;
    }

    private static Dictionary<PayloadKind, long> ByKind(List<Payload> payloads) =>
        payloads.GroupBy(p => p.Kind).ToDictionary(g => g.Key, g => g.Sum(p => p.Length));
}
