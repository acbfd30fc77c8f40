using FedLab.Engine.Federation.Availability;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Federation.Privacy;

/// <summary>
/// ε of a run's DP settings after a number of rounds. Central DP: the sampled Gaussian mechanism at q = clients per
/// round / clients with the update's noise multiplier (adaptive clipping also releases a noised count: the two
/// Gaussian releases compose to one of multiplier (z⁻² + (2σ_b)⁻²)^(−1/2), Andrew et al. 2021, Theorem 1).
/// Local DP: each client's release is a Gaussian mechanism the server sees unsampled (q = 1), composed over rounds.
/// </summary>
public static class PrivacyLedger
{
    public const string Epsilon = "privacy.epsilon";
    public const string Budget = "privacy.epsilonBudget";
    public const string ClipNorm = "privacy.clipNorm";
    public const string Noise = "privacy.noiseMultiplier";
    public const string Unclipped = "privacy.unclippedFraction";
    public const string BudgetReached = "privacy.budgetReached";

    public static int ClientsPerRound(RunSpec spec) => AvailabilityPlan.Select(spec, 1).Count;

    public static double SamplingRate(RunSpec spec) => (double)ClientsPerRound(spec) / spec.Partition.Clients;

    /// <summary>z of the update's noise: privacy.noiseMultiplier, or the one calibrated to privacy.targetEpsilon.</summary>
    public static double NoiseMultiplier(RunSpec spec)
    {
        var p = spec.Privacy!;
        if (p.TargetEpsilon is not double target)
        {
            return p.NoiseMultiplier;
        }
        double q = p.Mode == DpMode.Local ? 1 : SamplingRate(spec);
        int rounds = spec.Training.Rounds;
        double low = 1e-3, high = 1.0;
        while (RdpAccountant.Epsilon(q, high, rounds, p.Delta) > target && high < 1e4)
        {
            high *= 2;
        }
        for (int i = 0; i < 60; i++)
        {
            double mid = 0.5 * (low + high);
            if (RdpAccountant.Epsilon(q, mid, rounds, p.Delta) > target)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }
        return high; // ε(high) ≤ target
    }

    /// <summary>The noise multiplier the accountant composes (the count's noise folded in when clipping is adaptive).</summary>
    public static double EffectiveNoise(RunSpec spec)
    {
        var p = spec.Privacy!;
        double z = NoiseMultiplier(spec);
        if (z <= 0)
        {
            return 0;
        }
        if (!p.AdaptiveClipping || p.Mode == DpMode.Local)
        {
            return z;
        }
        double countNoise = CountNoise(spec);
        return Math.Pow(Math.Pow(z, -2) + Math.Pow(2 * countNoise, -2), -0.5);
    }

    public static double CountNoise(RunSpec spec) => spec.Privacy!.CountNoise ?? ClientsPerRound(spec) / 20.0;

    /// <summary>ε after <paramref name="rounds"/> rounds (∞ without noise).</summary>
    public static double EpsilonAfter(RunSpec spec, int rounds)
    {
        var p = spec.Privacy!;
        double z = EffectiveNoise(spec);
        if (z <= 0)
        {
            return double.PositiveInfinity;
        }
        double q = p.Mode == DpMode.Local ? 1 : SamplingRate(spec);
        return RdpAccountant.Epsilon(q, z, rounds, p.Delta);
    }

    /// <summary>Whether running round <paramref name="round"/> would take ε above the spec's budget (the run stops before it).</summary>
    /// <summary>The round's privacy metrics: the clipping norm used, z, the unclipped fraction, ε after the round, the budget and whether it is reached.</summary>
    public static void Note(RunSpec spec, RoundExtras extras, int round, double clipNorm, double noiseMultiplier, double unclippedFraction)
    {
        extras.Set(ClipNorm, clipNorm);
        extras.Set(Noise, noiseMultiplier);
        extras.Set(Unclipped, unclippedFraction);
        double eps = EpsilonAfter(spec, round);
        if (!double.IsPositiveInfinity(eps))
        {
            extras.Set(Epsilon, eps);
        }
        if (spec.Privacy!.EpsilonBudget is double budget)
        {
            extras.Set(Budget, budget);
            if (round < spec.Training.Rounds && ExceedsBudget(spec, round + 1))
            {
                extras.Set(BudgetReached, 1);
            }
        }
    }

    public static bool ExceedsBudget(RunSpec spec, int round) =>
        spec.Privacy is { EpsilonBudget: double budget } && EpsilonAfter(spec, round) > budget;
}
