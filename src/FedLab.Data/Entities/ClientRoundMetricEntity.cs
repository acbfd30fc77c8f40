namespace FedLab.Data.Entities;

/// <summary>One named metric of one client in one round; see <see cref="RoundMetricEntity"/>.</summary>
public sealed class ClientRoundMetricEntity
{
    public long RunKey { get; set; }
    public int Round { get; set; }
    public int ClientId { get; set; }
    public required string Name { get; set; }
    public double? Value { get; set; }
}
