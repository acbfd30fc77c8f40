using FedLab.Engine.Federation.Availability;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Federation.SecureAggregation;

/// <summary>
/// What the secure aggregator and the traffic runner of one run share: the current round's protocol set-up and the
/// ring width. Participants are the round's selected clients that are available (a dropped client never advertised
/// keys); a client that advertised keys but whose masked update never arrives (late, failed) is recovered.
/// </summary>
public sealed class SecAggSession(RunSpec spec, AvailabilityPlan? plan, long totalExamples)
{
    public SecureAggregationSpec Spec { get; } = spec.SecureAggregation!;

    public SecAggRound? Current { get; private set; }

    /// <summary>Coordinates of the masked vector in the current round (the traffic runner counts a 64-bit ring's extra width).</summary>
    public int Coordinates { get; set; }

    /// <summary>32 when the largest possible weighted sum, Σ examples · 2^(bits−1), fits a signed 32-bit ring; else 64.</summary>
    public int RingBits { get; } = spec.SecureAggregation!.Bits + (int)Math.Ceiling(Math.Log2(totalExamples + 1.0)) + 1 <= 32 ? 32 : 64;

    public SecAggRound Begin(int round)
    {
        var selected = AvailabilityPlan.Select(spec, round);
        var participants = selected.Where(c => plan?.Unavailable(round, c) is null).ToList();
        return Current = new SecAggRound(spec.Seed, round, participants, Spec.Threshold);
    }
}
