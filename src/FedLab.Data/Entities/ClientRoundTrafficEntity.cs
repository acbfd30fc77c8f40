namespace FedLab.Data.Entities;

/// <summary>The bytes of one payload kind one client sent (up) and received (down) in one round; see <see cref="RoundTrafficEntity"/>.</summary>
public sealed class ClientRoundTrafficEntity
{
    public long RunKey { get; set; }
    public int Round { get; set; }
    public int ClientId { get; set; }
    /// <summary>The payload kind's name (<see cref="FedLab.Engine.Runs.PayloadKind.Name"/>).</summary>
    public required string Kind { get; set; }
    public long BytesUp { get; set; }
    public long BytesDown { get; set; }
}
