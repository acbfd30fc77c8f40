using System.Globalization;
using FedLab.Engine.Federation.Availability;
using FedLab.Engine.Federation.Privacy;
using FedLab.Engine.Federation.Robust;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Federation;

/// <summary>
/// The rules of the realistic-client sections (availability, privacy, secureAggregation, robust, attack), each
/// problem at its field's path, and which framework supports what:
/// FedLLM: everything. SplitFed: everything (its client-side parts are aggregated like FedAvg). Sequential split
/// learning: dropouts and deadlines (an absent client's turn is skipped), not min completion or over-selection (each
/// turn has already updated the shared server part) nor aggregation wrappers (nothing is averaged). KD: dropouts,
/// deadlines, min completion and over-selection (it aggregates the logits that arrived), privacy on its aggregated
/// logits (central, fixed clipping), not the other parameter wrappers.
/// </summary>
public static class RealismRules
{
    public static IEnumerable<SpecError> Validate(RunSpec spec)
    {
        var errors = new List<SpecError>();
        void Check(bool ok, string field, string message)
        {
            if (!ok)
            {
                errors.Add(new SpecError(field, message));
            }
        }
        void Range(double value, double min, double max, string field) =>
            Check(value >= min && value <= max && double.IsFinite(value), field, $"must be between {F(min)} and {F(max)}, got {F(value)}");

        bool kd = spec.Framework == "kd";
        bool sequential = AvailabilityPlan.Sequential(spec);
        bool centralized = spec.Framework == "centralized";
        string framework = sequential ? "sequential split learning" : spec.Framework;

        if (spec.Availability is { } a)
        {
            Check(!centralized, "availability", "applies to federated frameworks only, not the centralized reference");
            Check(a.Dropout >= 0 && a.Dropout < 1, "availability.dropout", $"must be at least 0 and below 1, got {F(a.Dropout)}");
            Range(a.MinCompletion, 0, 1, "availability.minCompletion");
            Range(a.OverSelection, 0, 10, "availability.overSelection");
            if (a.DeadlineSeconds is double deadline)
            {
                Check(deadline > 0 && double.IsFinite(deadline), "availability.deadlineSeconds", $"must be greater than 0, got {F(deadline)}");
            }
            var d = a.Devices;
            Range(d.MedianGflops, 1e-3, 1e6, "availability.devices.medianGflops");
            Range(d.GflopsSpread, 0, 5, "availability.devices.gflopsSpread");
            Range(d.MedianUpMbps, 1e-3, 1e6, "availability.devices.medianUpMbps");
            Range(d.MedianDownMbps, 1e-3, 1e6, "availability.devices.medianDownMbps");
            Range(d.BandwidthSpread, 0, 5, "availability.devices.bandwidthSpread");
            Range(d.LatencyMs, 0, 1e6, "availability.devices.latencyMs");
            if (sequential)
            {
                Check(a.MinCompletion == 0, "availability.minCompletion", "does not apply to sequential split learning: each turn has already updated the shared server part");
                Check(a.OverSelection == 0, "availability.overSelection", "does not apply to sequential split learning: clients take turns, none run in parallel");
            }
            if (a.StalenessExponent is double exponent)
            {
                Range(exponent, 0, 10, "availability.stalenessExponent");
                Check(a.Late == LateUpdates.Stale, "availability.stalenessExponent", "applies only with availability.late 'stale'");
            }
            if (a.Late == LateUpdates.Stale)
            {
                // A late update is a parameter update kept for a later round's average: KD's logits belong to the round's
                // public-set exchange, and sequential split learning passes one client-side part on, it averages nothing.
                Check(!kd && !sequential && !centralized, "availability.late", $"'stale' applies to fedllm and splitfed (a late update enters a later round's average), not to {framework}; use 'drop'");
                Check(a.DeadlineSeconds is not null || a.OverSelection > 0, "availability.late", "'stale' needs availability.deadlineSeconds or availability.overSelection: without them no client is ever late");
                Check(spec.Privacy is null, "availability.late", "'stale' cannot be combined with privacy: a client could contribute to two rounds' aggregates at once, beyond the one clipped update per round the accountant counts");
                Check(spec.SecureAggregation is null, "availability.late", "'stale' cannot be combined with secureAggregation: a late masked update cannot be unmasked in a later round's session");
            }
            if (a.Trace is string trace)
            {
                Check(trace.Length is > 0 and <= RunSpecValidator.MaxPathChars, "availability.trace", "must be a path to a CSV file");
                if (trace.Length is > 0 and <= RunSpecValidator.MaxPathChars && spec.Partition.Clients > 0 && spec.Training.Rounds > 0)
                {
                    errors.AddRange(AvailabilityTrace.Check(trace, spec.Partition.Clients, spec.Training.Rounds, out _));
                }
            }
        }

        // The parameter wrappers need an update aggregator: FedLLM and SplitFed have one; KD aggregates logits and
        // sequential split learning aggregates nothing.
        bool aggregates = !kd && !sequential && !centralized;
        void Needs(object? section, string field)
        {
            if (section is not null)
            {
                Check(aggregates, field, $"applies to fedllm and splitfed (they average parameter updates), not to {framework}");
            }
        }
        if (kd && spec.Privacy is { } kdPrivacy)
        {
            // KD: the server clips and noises the aggregated probabilities (Frameworks/KdFedLlm/DpLogitsAggregator).
            Check(kdPrivacy.Mode == DpMode.Central, "privacy.mode", "kd supports 'central' only: the server adds the noise to the aggregated logits");
            Check(!kdPrivacy.AdaptiveClipping, "privacy.adaptiveClipping", "kd clips each public example's probability row to privacy.clipNorm (fixed); adaptive clipping applies to fedllm and splitfed");
            Check(spec.Kd.Aggregation == Frameworks.KdFedLlm.KdAggregation.Examples, "kd.aggregation", "with privacy every client's logits count equally; 'confidence' would weight a client by its own data");
        }
        else if (spec.Privacy is not null)
        {
            Check(aggregates, "privacy", $"applies to fedllm and splitfed (their parameter updates) and kd (its aggregated logits), not to {framework}");
        }
        Needs(spec.SecureAggregation, "secureAggregation");
        Needs(spec.Robust, "robust");
        Needs(spec.Attack, "attack");

        if (spec.Privacy is { } p)
        {
            Range(p.NoiseMultiplier, 0, 1e4, "privacy.noiseMultiplier");
            Check(p.ClipNorm > 0 && p.ClipNorm <= 1e6, "privacy.clipNorm", $"must be greater than 0 and at most 1e6, got {F(p.ClipNorm)}");
            Check(p.Delta > 0 && p.Delta < 1, "privacy.delta", $"must be greater than 0 and below 1, got {F(p.Delta)}");
            if (p.AdaptiveClipping)
            {
                Check(p.TargetQuantile > 0 && p.TargetQuantile < 1, "privacy.targetQuantile", $"must be greater than 0 and below 1, got {F(p.TargetQuantile)}");
                Check(p.ClipLearningRate > 0 && p.ClipLearningRate <= 10, "privacy.clipLearningRate", $"must be greater than 0 and at most 10, got {F(p.ClipLearningRate)}");
                if (p.CountNoise is double countNoise)
                {
                    Check(countNoise > 0 && countNoise <= 1e6, "privacy.countNoise", $"must be greater than 0, got {F(countNoise)}");
                }
            }
            if (p.TargetEpsilon is double target)
            {
                Check(target > 0 && target <= 1000, "privacy.targetEpsilon", $"must be greater than 0 and at most 1000, got {F(target)}");
                Check(!p.AdaptiveClipping, "privacy.targetEpsilon", "works with fixed clipping only; with adaptive clipping set privacy.noiseMultiplier");
            }
            if (p.EpsilonBudget is double budget)
            {
                Check(budget > 0 && double.IsFinite(budget), "privacy.epsilonBudget", $"must be greater than 0, got {F(budget)}");
                Check(p.NoiseMultiplier > 0 || p.TargetEpsilon is not null, "privacy.epsilonBudget", "needs privacy.noiseMultiplier above 0 (without noise ε is unbounded)");
            }
        }
        if (spec.SecureAggregation is { } s)
        {
            Range(s.Bits, 2, 24, "secureAggregation.bits");
            Check(s.Range > 0 && s.Range <= 1e6, "secureAggregation.range", $"must be greater than 0 and at most 1e6, got {F(s.Range)}");
            Check(s.Threshold >= 0 && s.Threshold < 1, "secureAggregation.threshold", $"must be at least 0 and below 1, got {F(s.Threshold)}");
            Check(spec.Robust is null, "secureAggregation", "cannot be combined with robust: robust rules need each client's update, which secure aggregation hides");
            Check(spec.Privacy is not { Mode: DpMode.Central, AdaptiveClipping: true }, "secureAggregation", "cannot be combined with adaptive clipping: the server would need each update's norm");
        }
        if (spec.Robust is { } r)
        {
            int perRound = AvailabilityPlan.Target(spec);
            Check(r.Trim >= 0 && r.Trim < 0.5, "robust.trim", $"must be at least 0 and below 0.5, got {F(r.Trim)}");
            Check(r.Byzantine >= 0, "robust.byzantine", $"must be 0 or more, got {r.Byzantine}");
            if (r.Rule is RobustRule.Krum or RobustRule.MultiKrum)
            {
                Check(perRound > 2 * r.Byzantine + 2, "robust.byzantine", $"Krum needs more than 2·f + 2 clients per round; {perRound} per round allows f up to {Math.Max(0, (perRound - 3) / 2)}, got {r.Byzantine}");
            }
            if (r.Select is int m)
            {
                Check(m >= 1 && m <= perRound, "robust.select", $"must be 1 to the clients per round ({perRound}), got {m}");
            }
        }
        if (spec.Attack is { } k)
        {
            Check(k.Fraction > 0 && k.Fraction < 1, "attack.fraction", $"must be greater than 0 and below 1, got {F(k.Fraction)}");
            Range(k.Scale, 0, 1e6, "attack.scale");
        }
        return errors;
    }

    private static string F(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
