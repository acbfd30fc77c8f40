using FedLab.Engine.Studies;

namespace FedLab.Data.Studies;

/// <summary>
/// One configuration of a study (a framework entry and the values of its axes) over its finished seeds: per-round
/// means with 95% intervals, best (by validation where the runs have it) and final accuracy, cost to the target with
/// "reached in k of n seeds", totals, client-accuracy spread (frameworks with client models) and simulated time
/// under the analysis' deployment profile.
/// </summary>
public sealed record ConfigurationResult
{
    public required string Label { get; init; }
    public required string Framework { get; init; }
    public required IReadOnlyList<AxisValue> Setting { get; init; }
    public required int Seeds { get; init; }
    public required int SeedsFinished { get; init; }

    public required IReadOnlyList<int> Rounds { get; init; }
    public required IReadOnlyList<SeedInterval> Accuracy { get; init; }
    public required IReadOnlyList<SeedInterval> Loss { get; init; }
    public required IReadOnlyList<SeedInterval> CumulativeMb { get; init; }
    public required IReadOnlyList<SeedInterval> CumulativeClientTflops { get; init; }
    public required IReadOnlyList<SeedInterval> SimulatedSeconds { get; init; }

    public required SeedInterval Best { get; init; }
    public required SeedInterval Final { get; init; }
    public required SeedInterval TotalMb { get; init; }
    public required SeedInterval TotalClientTflops { get; init; }
    public required SeedInterval TotalSimulatedSeconds { get; init; }
    public required SeedInterval ClientAccuracySpread { get; init; }

    public required int TargetReached { get; init; }
    public required SeedInterval MbToTarget { get; init; }
    public required SeedInterval TflopsToTarget { get; init; }
    public required SeedInterval RoundsToTarget { get; init; }
    public required SeedInterval SimulatedSecondsToTarget { get; init; }

    /// <summary>The stored costs of each finished seed (for re-costing under another profile without reading again).</summary>
    public required IReadOnlyList<SeedCosts> SeedRuns { get; init; }

    public string SettingText => Setting.Count == 0 ? "base" : string.Join(", ", Setting.Select(a => $"{a.Name}={a.Text}"));
    public string Name => Setting.Count == 0 ? Label : $"{Label} ({SettingText})";

    /// <summary>Mean simulated seconds to the target over the seeds that reach it, under <paramref name="profile"/>; null when none does.</summary>
    public double? MeanTimeToTarget(double target, DeploymentProfile profile)
    {
        var times = SeedRuns.Select(s => WhatIfClock.TimeToTarget(s.Rounds, s.Accuracy, target, profile)).OfType<double>().ToList();
        return times.Count == 0 ? null : times.Average();
    }
}

/// <summary>One finished seed's stored rounds as the what-if costs them, with its accuracy per round.</summary>
public sealed record SeedCosts(Guid RunId, int Seed, IReadOnlyList<RoundCost> Rounds, IReadOnlyList<double> Accuracy);
