using FedLab.Engine.Runs;

namespace FedLab.Data.Queries;

/// <summary>Turns a run's rounds into chart-ready arrays and its summary.</summary>
internal static class SeriesBuilder
{
    public static RunSeries Series(RunRounds run)
    {
        var rounds = run.Rounds;
        int n = rounds.Count;
        var cumUp = new double[n];
        var cumDown = new double[n];
        var tflops = new double[n];
        var cumTflops = new double[n];
        var cumSeconds = new double[n];
        double up = 0, down = 0, flops = 0, seconds = 0;
        for (int i = 0; i < n; i++)
        {
            var r = rounds[i];
            up += r.BytesUp;
            down += r.BytesDown;
            flops += r.ClientFlops;
            seconds += r.WallSeconds;
            cumUp[i] = up / 1e6;
            cumDown[i] = down / 1e6;
            tflops[i] = r.ClientFlops / 1e12;
            cumTflops[i] = flops / 1e12;
            cumSeconds[i] = seconds;
        }
        return new RunSeries
        {
            RunId = run.Id,
            Name = run.Name,
            Framework = run.Framework,
            Status = run.Status,
            Rounds = rounds.Select(r => r.Round).ToArray(),
            Accuracy = rounds.Select(r => r.Accuracy).ToArray(),
            MacroF1 = rounds.Select(r => r.MacroF1).ToArray(),
            Loss = rounds.Select(r => r.Loss).ToArray(),
            TrainLoss = rounds.Select(r => r.TrainLoss).ToArray(),
            ClientAccuracyMean = rounds.Select(r => r.ClientAccuracyMean).ToArray(),
            ClientAccuracyStd = rounds.Select(r => r.ClientAccuracyStd).ToArray(),
            BytesUp = rounds.Select(r => r.BytesUp).ToArray(),
            BytesDown = rounds.Select(r => r.BytesDown).ToArray(),
            CumulativeMbUp = cumUp,
            CumulativeMbDown = cumDown,
            CumulativeMbUpByKind = CumulativeByKind(rounds, r => r.Up),
            CumulativeMbDownByKind = CumulativeByKind(rounds, r => r.Down),
            ClientTflops = tflops,
            CumulativeClientTflops = cumTflops,
            ClientSeconds = rounds.Select(r => r.ClientSeconds).ToArray(),
            WallSeconds = rounds.Select(r => r.WallSeconds).ToArray(),
            CumulativeSeconds = cumSeconds,
            ValidationAccuracy = rounds.Select(r => Metric(r, EvaluationExtras.ValidationAccuracy)).ToArray(),
            BalancedAccuracy = rounds.Select(r => Metric(r, EvaluationExtras.TestBalancedAccuracy)).ToArray(),
            Baseline = Baseline(run),
        };
    }

    private static double? Metric(RoundPoint r, string name) => r.Extra.TryGetValue(name, out var v) ? v : null;

    /// <summary>The majority baseline of the run's test split, from the class counts round 0 reported.</summary>
    public static MajorityBaseline? Baseline(RunRounds run) =>
        run.Rounds.FirstOrDefault(r => r.Round == 0) is { } zero && SummaryMetrics.TestClassCounts(zero.Extra) is { Length: > 0 } counts
            ? MajorityBaseline.FromCounts(counts)
            : null;

    /// <summary>The round the test metrics are reported at: chosen on validation accuracy, never round 0 (RoundSelection).</summary>
    public static SelectedRound? Selected(RunRounds run) =>
        RoundSelection.Best(run.Rounds.Select(r => (r.Round, Metric(r, EvaluationExtras.ValidationAccuracy))));

    public static RunMetricSummary Summary(RunRounds run, double? targetAccuracy, double? targetMacroF1 = null)
    {
        var rounds = run.Rounds;
        var numbers = rounds.Select(r => r.Round).ToArray();
        var trainRounds = rounds.Where(r => r.TrainLoss is not null).ToArray();
        var series = rounds.Count > 0 ? Series(run) : null;
        CostToTarget? cost = targetAccuracy is double target && series is not null ? series.CostToReach(target) : null;
        CostToTarget? costF1 = targetMacroF1 is double targetF1 && series is not null ? series.CostToReachMacroF1(targetF1) : null;
        var selected = Selected(run);
        int? at = selected?.Round;
        var accuracy = MetricSummary.At(numbers, rounds.Select(r => r.Accuracy).ToArray(), at);
        var macroF1 = MetricSummary.At(numbers, rounds.Select(r => r.MacroF1).ToArray(), at);
        var baseline = Baseline(run);
        double NaNFor(RoundPoint r, string name) => Metric(r, name) ?? double.NaN;
        return new RunMetricSummary
        {
            RunId = run.Id,
            Name = run.Name,
            Framework = run.Framework,
            Status = run.Status,
            RoundsDone = run.RoundsDone,
            TotalRounds = run.TotalRounds,
            Accuracy = accuracy,
            MacroF1 = macroF1,
            Loss = MetricSummary.At(numbers, rounds.Select(r => r.Loss).ToArray(), at),
            BalancedAccuracy = MetricSummary.At(numbers, rounds.Select(r => NaNFor(r, EvaluationExtras.TestBalancedAccuracy)).ToArray(), at),
            Auprc = MetricSummary.At(numbers, rounds.Select(r => NaNFor(r, EvaluationExtras.TestAuprc)).ToArray(), at),
            ExactMatch = MetricSummary.At(numbers, rounds.Select(r => NaNFor(r, EvaluationExtras.TestExactMatch)).ToArray(), at),
            Perplexity = MetricSummary.At(numbers, rounds.Select(r => NaNFor(r, EvaluationExtras.TestPerplexity)).ToArray(), at),
            Generative = rounds.Any(r => Metric(r, EvaluationExtras.TestExactMatch) is not null),
            Selection = selected is null ? null : selected.Basis == SelectionBasis.Validation ? "validation" : "final round",
            ValidationAccuracy = at is int a ? Metric(rounds.First(r => r.Round == a), EvaluationExtras.ValidationAccuracy) : null,
            Baseline = baseline,
            BaselineWarning = baseline is not null && at is not null ? baseline.Warning(accuracy.Best, macroF1.Best) : null,
            TargetMacroF1 = targetMacroF1,
            CostToMacroF1Target = costF1,
            Epsilon = rounds.Select(r => Metric(r, "privacy.epsilon")).LastOrDefault(v => v is not null),
            Completion = rounds.Select(r => Metric(r, "availability.completion")).OfType<double>().DefaultIfEmpty(double.NaN).Average() is double c && !double.IsNaN(c) ? c : null,
            TrainLoss = MetricSummary.Of(trainRounds.Select(r => r.Round).ToArray(), trainRounds.Select(r => r.TrainLoss!.Value).ToArray(), higherIsBetter: false),
            BytesUp = rounds.Sum(r => r.BytesUp),
            BytesDown = rounds.Sum(r => r.BytesDown),
            Up = PayloadBytes.Sum(rounds.Select(r => r.Up)),
            Down = PayloadBytes.Sum(rounds.Select(r => r.Down)),
            ClientFlops = rounds.Sum(r => r.ClientFlops),
            ClientSeconds = rounds.Sum(r => r.ClientSeconds),
            Seconds = rounds.Sum(r => r.WallSeconds),
            TargetAccuracy = targetAccuracy,
            CostToTarget = cost,
        };
    }

    /// <summary>One cumulative line per kind that carried bytes in any round, in display order; any kind name appears.</summary>
    private static IReadOnlyDictionary<PayloadKind, IReadOnlyList<double>> CumulativeByKind(IReadOnlyList<RoundPoint> rounds, Func<RoundPoint, PayloadBytes> pick)
    {
        var result = new Dictionary<PayloadKind, IReadOnlyList<double>>();
        foreach (var kind in PayloadBytes.DisplayOrder(rounds.SelectMany(r => pick(r).Kinds)))
        {
            var values = new double[rounds.Count];
            double sum = 0;
            for (int i = 0; i < rounds.Count; i++)
            {
                sum += pick(rounds[i])[kind];
                values[i] = sum / 1e6;
            }
            result[kind] = values;
        }
        return result;
    }
}
