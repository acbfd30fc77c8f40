namespace FedLab.Data.Queries;

/// <summary>The columns of a round the comparison charts and summaries use (NaN where SQLite held NULL).</summary>
internal sealed record RoundPoint(
    int Round,
    double Accuracy,
    double MacroF1,
    double Loss,
    long BytesUp,
    long BytesDown,
    PayloadBytes Up,
    PayloadBytes Down,
    double ClientFlops,
    double ClientSeconds,
    double WallSeconds,
    double? TrainLoss,
    double? ClientAccuracyMean,
    double? ClientAccuracyStd)
{
    /// <summary>The named metrics the summaries use (<see cref="SummaryMetrics"/>), not every one the round has.</summary>
    public IReadOnlyDictionary<string, double> Extra { get; init; } = RowMapping.NoMetrics;
}
