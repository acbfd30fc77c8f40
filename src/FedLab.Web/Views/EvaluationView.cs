using FedLab.Engine.Frameworks;
using FedLab.Engine.Runs;

namespace FedLab.Web.Views;

/// <summary>
/// What the run page says about the quality of a run's numbers, from its rounds' named metrics: the round the test
/// metrics are reported at (chosen on validation, never round 0), the same at the final round, the majority-class
/// baseline of the test split and whether the run is distinguishable from it, the class balance of every split, and
/// the per-class rates and confusion matrix at the chosen round.
/// </summary>
public sealed class EvaluationView
{
    private EvaluationView(IReadOnlyList<RoundPoint> points, IReadOnlyList<string> classNames, string accuracySource)
    {
        Points = points;
        ClassNames = classNames;
        AccuracySource = accuracySource;
        Selected = RoundSelection.Best(points.Select(p => (p.Round, p.Metric(EvaluationExtras.ValidationAccuracy))));
        var trained = points.Where(p => p.Round > 0 && double.IsFinite(p.Accuracy)).ToList();
        BestOnTest = trained.Count == 0 ? null : trained.OrderByDescending(p => p.Accuracy).ThenBy(p => p.Round).First();
        var zero = points.FirstOrDefault(p => p.Round == 0);
        foreach (var split in (string[])["train", "validation", "test"])
        {
            var counts = zero is null ? [] : Counts(zero, split);
            if (counts.Length > 0)
            {
                SplitCounts[split] = counts;
            }
        }
        Baseline = SplitCounts.TryGetValue("test", out var test) ? MajorityBaseline.FromCounts(test) : null;
    }

    public static EvaluationView From(IReadOnlyList<RoundPoint> points, IReadOnlyList<string> classNames, string framework, RunSpec? spec) =>
        new(points, classNames, AccuracyLabels.Source(framework, spec));

    public IReadOnlyList<RoundPoint> Points { get; }
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>What model the accuracy series comes from ("global model", "mean of the clients' own models").</summary>
    public string AccuracySource { get; }

    public SelectedRound? Selected { get; }

    /// <summary>The trained round with the highest test accuracy: shown for reference (what selecting on test would claim), never used.</summary>
    public RoundPoint? BestOnTest { get; }

    public MajorityBaseline? Baseline { get; }

    /// <summary>Class counts by split ("train", "validation", "test"), as round 0 reported them.</summary>
    public Dictionary<string, int[]> SplitCounts { get; } = new(StringComparer.Ordinal);

    public RoundPoint? SelectedPoint => Selected is { } s ? Points.FirstOrDefault(p => p.Round == s.Round) : null;

    public RoundPoint? FinalPoint => Points.LastOrDefault(p => p.Round > 0);

    /// <summary>Why the chosen round's test numbers are no better than the majority baseline; null when they are (or unknown).</summary>
    public string? Warning => Baseline is not null && SelectedPoint is { } p ? Baseline.Warning(p.Accuracy, p.MacroF1) : null;

    public string ClassName(int c) => c < ClassNames.Count ? ClassNames[c] : c.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The confusion matrix of the test split at <paramref name="point"/> (rows true, columns predicted); null when not stored.</summary>
    public long[][]? Confusion(RoundPoint point)
    {
        int classes = ClassNames.Count;
        if (classes == 0 || point.Metric(EvaluationExtras.Confusion("test", 0, 0)) is null)
        {
            return null;
        }
        var matrix = new long[classes][];
        for (int t = 0; t < classes; t++)
        {
            matrix[t] = new long[classes];
            for (int p = 0; p < classes; p++)
            {
                matrix[t][p] = (long)(point.Metric(EvaluationExtras.Confusion("test", t, p)) ?? 0);
            }
        }
        return matrix;
    }

    /// <summary>Per-class precision, recall and F1 of the test split at <paramref name="point"/>.</summary>
    public IReadOnlyList<(string Class, double? Precision, double? Recall, double? F1)> PerClass(RoundPoint point) =>
        [.. Enumerable.Range(0, ClassNames.Count).Select(c => (ClassName(c),
            point.Metric(EvaluationExtras.PerClass("test", "precision", c)),
            point.Metric(EvaluationExtras.PerClass("test", "recall", c)),
            point.Metric(EvaluationExtras.PerClass("test", "f1", c))))];

    private static int[] Counts(RoundPoint zero, string split)
    {
        var counts = new List<int>();
        for (int c = 0; zero.Metric(EvaluationExtras.ClassCount(split, c)) is double n; c++)
        {
            counts.Add((int)n);
        }
        return [.. counts];
    }
}
