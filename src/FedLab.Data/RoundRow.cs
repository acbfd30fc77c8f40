namespace FedLab.Data;

/// <summary>
/// One round as stored (round 0 = evaluation before training). NaN where the engine reported NaN
/// (SQLite keeps NaN as NULL). Byte totals are sums over the round's clients.
/// </summary>
public sealed record RoundRow
{
    public required int Round { get; init; }
    public required double Accuracy { get; init; }
    public required double MacroF1 { get; init; }
    public required double Loss { get; init; }
    public required int EvalExamples { get; init; }
    public required int Clients { get; init; }
    public required long BytesUp { get; init; }
    public required long BytesDown { get; init; }
    public required PayloadBytes Up { get; init; }
    public required PayloadBytes Down { get; init; }
    public required double ClientFlops { get; init; }
    public required double ClientSeconds { get; init; }
    public required double ServerSeconds { get; init; }
    public required double EvalSeconds { get; init; }
    public required double WallSeconds { get; init; }
    /// <summary>Example-weighted mean of the clients' training loss; null in round 0.</summary>
    public double? TrainLoss { get; init; }
    public double? ClientAccuracyMean { get; init; }
    public double? ClientAccuracyStd { get; init; }
    public required DateTimeOffset FinishedAt { get; init; }
    /// <summary>The named metrics beyond the fixed columns (FedLab.Engine.Runs.MetricNames), by name in ordinal order; NaN where NaN was reported.</summary>
    public IReadOnlyDictionary<string, double> Extra { get; init; } = Queries.RowMapping.NoMetrics;
}
