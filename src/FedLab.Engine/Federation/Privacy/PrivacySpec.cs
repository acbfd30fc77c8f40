using System.Text.Json.Serialization;

namespace FedLab.Engine.Federation.Privacy;

/// <summary>
/// The spec's "privacy" section: DP-FedAvg (McMahan et al. 2018) with client-level clipping of each update, fixed or
/// adaptive (Andrew et al. 2021), and Gaussian noise added by the server (central) or by each client (local).
/// Off when the section is absent.
/// </summary>
public sealed record PrivacySpec
{
    public DpMode Mode { get; init; } = DpMode.Central;

    /// <summary>z: the noise standard deviation as a multiple of the clipping norm (0 = clipping only, no guarantee).</summary>
    public double NoiseMultiplier { get; init; } = 1.0;

    /// <summary>
    /// When set, replaces <see cref="NoiseMultiplier"/> with the smallest z whose ε after training.rounds rounds is at
    /// most this target (fixed clipping only): a spec can ask for "ε = 8" directly.
    /// </summary>
    public double? TargetEpsilon { get; init; }

    /// <summary>The L2 norm each client's update (its state minus the global state) is clipped to; the initial norm when adaptive.</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary>Adapt the clipping norm towards a quantile of the update norms (Andrew et al.: geometric update with a noised count).</summary>
    public bool AdaptiveClipping { get; init; }

    /// <summary>γ: the fraction of updates the adaptive norm aims to leave unclipped.</summary>
    public double TargetQuantile { get; init; } = 0.5;

    /// <summary>η: the adaptive norm's learning rate, C ← C·exp(−η(b̄ − γ)).</summary>
    public double ClipLearningRate { get; init; } = 0.2;

    /// <summary>σ_b: noise on the count of unclipped updates (adaptive only); null = clients per round / 20, as Andrew et al. suggest.</summary>
    public double? CountNoise { get; init; }

    /// <summary>δ of the (ε, δ) guarantee the accountant reports.</summary>
    public double Delta { get; init; } = 1e-5;

    /// <summary>Stop the run before the round that would take ε above this budget; null = no budget.</summary>
    public double? EpsilonBudget { get; init; }
}

public enum DpMode
{
    /// <summary>The server adds noise to the aggregate (trusts the server, not the released model's users).</summary>
    [JsonStringEnumMemberName("central")]
    Central,

    /// <summary>Each client adds noise to its own clipped update (trusts nobody; far more noise in the aggregate).</summary>
    [JsonStringEnumMemberName("local")]
    Local,
}
