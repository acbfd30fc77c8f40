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
    public long BytesUp { get; set; }
    public long BytesDown { get; set; }
    public long UpParameters { get; set; }
    public long UpLogits { get; set; }
    public long UpActivations { get; set; }
    public long UpActivationGradients { get; set; }
    public long UpLabels { get; set; }
    public long DownParameters { get; set; }
    public long DownLogits { get; set; }
    public long DownActivations { get; set; }
    public long DownActivationGradients { get; set; }
    public long DownLabels { get; set; }
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
