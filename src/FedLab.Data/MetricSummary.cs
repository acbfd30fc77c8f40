namespace FedLab.Data;

/// <summary>
/// One metric over a run's recorded rounds: best and the round it came in (for test metrics: the value at the round
/// chosen on the validation split, see <see cref="At"/>; for the training loss: the lowest), final (the last round's value, NaN if that round had none), min and max over the rounds
/// with a value. All NaN when no round has a value.
/// </summary>
public sealed record MetricSummary(double Best, int? BestRound, double Final, double Min, double Max)
{
    public static MetricSummary Empty { get; } = new(double.NaN, null, double.NaN, double.NaN, double.NaN);

    internal static MetricSummary Of(IReadOnlyList<int> rounds, IReadOnlyList<double> values, bool higherIsBetter)
    {
        double best = double.NaN, min = double.NaN, max = double.NaN, final = double.NaN;
        int? bestRound = null;
        for (int i = 0; i < values.Count; i++)
        {
            var v = values[i];
            if (double.IsNaN(v))
            {
                continue;
            }
            if (double.IsNaN(min) || v < min)
            {
                min = v;
            }
            if (double.IsNaN(max) || v > max)
            {
                max = v;
            }
            if (bestRound is null || (higherIsBetter ? v > best : v < best))
            {
                best = v;
                bestRound = rounds[i];
            }
        }
        if (bestRound is null)
        {
            return Empty;
        }
        final = values[^1];
        return new MetricSummary(best, bestRound, final, min, max);
    }

    /// <summary>
    /// A test metric reported at the round chosen elsewhere (on the validation split, <see cref="Engine.Runs.RoundSelection"/>):
    /// "best" is its value at <paramref name="selected"/>, whatever the metric's own maximum; min, max and final as in
    /// <see cref="Of"/>. Without a selected round (only round 0 so far) there is no best.
    /// </summary>
    internal static MetricSummary At(IReadOnlyList<int> rounds, IReadOnlyList<double> values, int? selected)
    {
        var all = Of(rounds, values, higherIsBetter: true);
        int index = selected is int round ? IndexOf(rounds, round) : -1;
        return all == Empty ? Empty : all with { Best = index < 0 ? double.NaN : values[index], BestRound = index < 0 ? null : selected };
    }

    private static int IndexOf(IReadOnlyList<int> rounds, int round)
    {
        for (int i = 0; i < rounds.Count; i++)
        {
            if (rounds[i] == round)
            {
                return i;
            }
        }
        return -1;
    }
}
