namespace FedLab.Data.Entities;

/// <summary>One client's share of the training data: its label histogram (JSON array, in label order).</summary>
public sealed class PartitionEntity
{
    public long RunKey { get; set; }
    public int ClientId { get; set; }
    public int Examples { get; set; }
    public required string LabelCountsJson { get; set; }
}
