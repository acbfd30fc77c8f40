using System.Text.Json.Serialization;

namespace FedLab.Engine.Federation.Robust;

/// <summary>
/// The spec's "attack" section, for experiments: a seeded, fixed set of clients (a fraction of all) sends a
/// manipulated update instead of its honest one: sign-flipped (global − s·Δ), scaled (global + s·Δ) or random
/// (global + Gaussian noise of s times the honest update's norm). FedLLM and SplitFed.
/// </summary>
public sealed record AttackSpec
{
    public double Fraction { get; init; } = 0.2;

    public AttackKind Kind { get; init; } = AttackKind.SignFlip;

    /// <summary>s above.</summary>
    public double Scale { get; init; } = 1.0;
}

public enum AttackKind
{
    [JsonStringEnumMemberName("signFlip")]
    SignFlip,
    [JsonStringEnumMemberName("scale")]
    Scale,
    [JsonStringEnumMemberName("random")]
    Random,
}
