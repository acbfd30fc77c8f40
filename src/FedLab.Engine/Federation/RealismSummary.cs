using System.Globalization;
using FedLab.Engine.Federation.Availability;
using FedLab.Engine.Federation.Privacy;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Federation;

/// <summary>
/// The realistic-client settings of a spec in a few words, for variant columns (compare table, runs list):
/// "dropout 30%, deadline 2 s, min 50%; DP central z=0.8 C=0.5; SecAgg 16-bit; median; attack signFlip 20%".
/// Empty when the spec uses none of them.
/// </summary>
public static class RealismSummary
{
    public static string Describe(RunSpec spec)
    {
        var parts = new List<string>();
        if (spec.Availability is { } a)
        {
            var items = new List<string>();
            if (a.Dropout > 0)
            {
                items.Add(I($"dropout {a.Dropout:0.##%}"));
            }
            if (a.Trace is not null)
            {
                items.Add("trace");
            }
            if (a.DeadlineSeconds is double d)
            {
                items.Add(I($"deadline {d:0.###} s"));
            }
            if (a.MinCompletion > 0)
            {
                items.Add(I($"min {a.MinCompletion:0.##%}"));
            }
            if (a.OverSelection > 0)
            {
                items.Add(I($"over-select {a.OverSelection:0.##%}"));
            }
            if (a.Late == LateUpdates.Stale)
            {
                items.Add(I($"stale a={a.StalenessExponent ?? AvailabilitySpec.DefaultStalenessExponent:0.###}"));
            }
            parts.Add(items.Count == 0 ? "simulated clock" : string.Join(", ", items));
        }
        if (spec.Privacy is { } p)
        {
            var noise = p.TargetEpsilon is double target ? I($"ε={target:0.##}") : I($"z={p.NoiseMultiplier:0.###}");
            parts.Add(I($"DP {(p.Mode == DpMode.Local ? "local" : "central")} {noise} C={p.ClipNorm:0.###}{(p.AdaptiveClipping ? " adaptive" : "")}")
                + (p.EpsilonBudget is double budget ? I($" ε≤{budget:0.##}") : ""));
        }
        if (spec.SecureAggregation is { } s)
        {
            parts.Add(I($"SecAgg {s.Bits}-bit"));
        }
        if (spec.Robust is { } r)
        {
            parts.Add(r.Rule.ToString() switch { "TrimmedMean" => I($"trimmed mean {r.Trim:0.##}"), "MultiKrum" => I($"multi-Krum f={r.Byzantine}"), "Krum" => I($"Krum f={r.Byzantine}"), _ => "median" });
        }
        if (spec.Attack is { } k)
        {
            parts.Add(I($"attack {k.Kind.ToString().ToLowerInvariant()} {k.Fraction:0.##%}"));
        }
        return string.Join("; ", parts);
    }

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
