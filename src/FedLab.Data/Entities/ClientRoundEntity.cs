namespace FedLab.Data.Entities;

/// <summary>One client's work in one round.</summary>
public sealed class ClientRoundEntity
{
    public long RunKey { get; set; }
    public int Round { get; set; }
    public int ClientId { get; set; }
    public int Examples { get; set; }
    public int Steps { get; set; }
    public double? TrainLoss { get; set; }
    /// <summary>Totals over the kinds in <see cref="ClientRoundTrafficEntity"/> (kept here for the per-client sums).</summary>
    public long BytesUp { get; set; }
    public long BytesDown { get; set; }
    public double Flops { get; set; }
    public double Seconds { get; set; }
    /// <summary>The client's own model's test accuracy, for frameworks whose clients keep one.</summary>
    public double? Accuracy { get; set; }
    /// <summary><see cref="ClientRoundStatus.Ok"/>, or the failure kind (error, deadline, dropout, ...) of a client that produced no result.</summary>
    public string Status { get; set; } = ClientRoundStatus.Ok;
    /// <summary>Why the client failed (for people); null when it did not.</summary>
    public string? Reason { get; set; }
}
