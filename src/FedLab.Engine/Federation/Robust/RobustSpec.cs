using System.Text.Json.Serialization;

namespace FedLab.Engine.Federation.Robust;

/// <summary>
/// The spec's "robust" section: a Byzantine-robust rule in place of the weighted mean (FedLLM and SplitFed). Robust
/// rules weigh clients equally and need every update of the round at once (memory grows with the clients).
/// </summary>
public sealed record RobustSpec
{
    public RobustRule Rule { get; init; } = RobustRule.Median;

    /// <summary>Trimmed mean: the fraction of values dropped at EACH end of every coordinate (below 0.5).</summary>
    public double Trim { get; init; } = 0.2;

    /// <summary>Krum / Multi-Krum: f, the number of Byzantine clients tolerated (Krum needs n > 2f + 2).</summary>
    public int Byzantine { get; init; } = 1;

    /// <summary>Multi-Krum: m, how many best-scored updates are averaged; null = n − f.</summary>
    public int? Select { get; init; }
}

public enum RobustRule
{
    [JsonStringEnumMemberName("median")]
    Median,
    [JsonStringEnumMemberName("trimmedMean")]
    TrimmedMean,
    [JsonStringEnumMemberName("krum")]
    Krum,
    [JsonStringEnumMemberName("multiKrum")]
    MultiKrum,
}
