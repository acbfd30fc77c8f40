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
    public long BytesUp { get; set; }
    public long BytesDown { get; set; }
    public long UpParameters { get; set; }
    public long UpLogits { get; set; }
    public long UpActivations { get; set; }
    public long UpActivationGradients { get; set; }
    public long UpLabels { get; set; }
    public long DownParameters { get; set; }
    public long DownLogits { get; set; }
    public long DownActivations { get; set; }
    public long DownActivationGradients { get; set; }
    public long DownLabels { get; set; }
    public double Flops { get; set; }
    public double Seconds { get; set; }
    /// <summary>The client's own model's test accuracy, for frameworks whose clients keep one.</summary>
    public double? Accuracy { get; set; }
}
