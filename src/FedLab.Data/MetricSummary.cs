namespace FedLab.Data;

/// <summary>
/// One metric over a run's recorded rounds: best (highest for accuracy and F1, lowest for losses) and the
/// round it came in, final (the last round's value, NaN if that round had none), min and max over the rounds
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
}
