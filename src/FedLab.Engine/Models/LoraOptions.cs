namespace FedLab.Engine.Models;

/// <summary>
/// LoRA hyper-parameters: W x + (alpha / rank) * B A dropout(x), with B initialised to zero, on the linears whose
/// family target names (<see cref="IModelFamily.LoraTargetNames"/>: query, value, ... for BERT) are listed.
/// </summary>
public sealed record LoraOptions(int Rank, double Alpha, double Dropout, IReadOnlySet<string> Targets)
{
    public double Scaling => Alpha / Rank;
}
