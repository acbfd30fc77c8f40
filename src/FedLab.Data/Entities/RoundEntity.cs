namespace FedLab.Data.Entities;

/// <summary>
/// One round of a run after aggregation and evaluation (round 0 = before training). Metric columns are
/// nullable because SQLite stores NaN as NULL: a diverged loss reads back as NaN.
/// </summary>
public sealed class RoundEntity
{
    public long RunKey { get; set; }
    public int Round { get; set; }
    public double? Accuracy { get; set; }
    public double? MacroF1 { get; set; }
    public double? Loss { get; set; }
    public int EvalExamples { get; set; }
    public int Clients { get; set; }
    /// <summary>Totals over the kinds in <see cref="RoundTrafficEntity"/> (the run list and progress sums read these).</summary>
    public long BytesUp { get; set; }
    public long BytesDown { get; set; }
    public double ClientFlops { get; set; }
    public double ClientSeconds { get; set; }
    public double ServerSeconds { get; set; }
    public double EvalSeconds { get; set; }
    public double WallSeconds { get; set; }
    public double? TrainLoss { get; set; }
    public double? ClientAccuracyMean { get; set; }
    public double? ClientAccuracyStd { get; set; }
    public DateTime FinishedAt { get; set; }
}
