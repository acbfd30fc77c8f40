namespace FedLab.Data.Entities;

/// <summary>
/// The bytes of one payload kind in one round, summed over the round's clients, up and down. Kinds are rows, not
/// columns, so a new payload kind (masks, key shares, noise metadata) needs no schema change. Round totals get a
/// table of their own (not client rows with a sentinel client id) because the comparison query reads them for
/// thousands of rounds and must not touch the far larger client-round traffic.
/// Both directions share a row: the pair is fixed (client to server, server to client) while kinds are open, and
/// one row per kind halves the rows the recorder writes.
/// </summary>
public sealed class RoundTrafficEntity
{
    public long RunKey { get; set; }
    public int Round { get; set; }
    /// <summary>The payload kind's name (<see cref="FedLab.Engine.Runs.PayloadKind.Name"/>), e.g. "activationGradients".</summary>
    public required string Kind { get; set; }
    public long BytesUp { get; set; }
    public long BytesDown { get; set; }
}
