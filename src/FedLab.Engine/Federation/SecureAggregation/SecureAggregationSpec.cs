namespace FedLab.Engine.Federation.SecureAggregation;

/// <summary>
/// The spec's "secureAggregation" section (Bonawitz et al. 2017, simulated for real): FedLLM and SplitFed. Each
/// client's update is clipped to ±range, quantised to <see cref="Bits"/> bits, weighted by its examples and masked;
/// the server learns only the sum.
/// </summary>
public sealed record SecureAggregationSpec
{
    /// <summary>Quantisation bits per coordinate (the masked ring is 32 bits when the weighted sum fits, else 64).</summary>
    public int Bits { get; init; } = 16;

    /// <summary>Each coordinate of a client's update (state − global) is clipped to ±range before quantisation.</summary>
    public double Range { get; init; } = 0.5;

    /// <summary>Fraction of a round's participants whose shares rebuild a secret: t = ⌊fraction·n⌋ + 1.</summary>
    public double Threshold { get; init; } = 0.5;
}
