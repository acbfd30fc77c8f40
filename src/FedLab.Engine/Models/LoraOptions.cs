namespace FedLab.Engine.Models;

/// <summary>LoRA hyper-parameters: W x + (alpha / rank) * B A dropout(x), with B initialised to zero.</summary>
public sealed record LoraOptions(int Rank, double Alpha, double Dropout, LoraTargets Targets)
{
    public double Scaling => Alpha / Rank;
}
