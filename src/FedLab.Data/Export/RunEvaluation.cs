using FedLab.Engine.Frameworks;
using FedLab.Engine.Runs;

namespace FedLab.Data.Export;

/// <summary>
/// What an export says about the quality of a run's numbers: which model the accuracy comes from, the round the test
/// metrics are reported at and how it was chosen, and the majority-class baseline of the test split with its binomial
/// standard error and whether the reported round is distinguishable from it.
/// </summary>
public sealed record RunEvaluation(
    string AccuracySource,
    int? BestRound,
    string? BestRoundChosenOn,
    double? MajorityBaselineAccuracy,
    double? MajorityBaselineMacroF1,
    double? MajorityBaselineStandardError,
    string? BaselineWarning)
{
    public static RunEvaluation Of(RunDetail run)
    {
        string source = run.Spec is { } spec && FrameworkRegistry.Find(spec.Framework) is { } f ? f.AccuracySource(spec) : "global model";
        var selected = RoundSelection.Best(run.Rounds.Select(r => (r.Round, EvaluationExtras.Get(r.Extra, EvaluationExtras.ValidationAccuracy))));
        var zero = run.Rounds.FirstOrDefault(r => r.Round == 0);
        var counts = new List<int>();
        for (int c = 0; zero is not null && EvaluationExtras.Get(zero.Extra, EvaluationExtras.ClassCount("test", c)) is double n; c++)
        {
            counts.Add((int)n);
        }
        var baseline = counts.Count > 0 ? MajorityBaseline.FromCounts(counts) : null;
        var at = selected is null ? null : run.Rounds.FirstOrDefault(r => r.Round == selected.Round);
        return new RunEvaluation(source, selected?.Round,
            selected is null ? null : selected.Basis == SelectionBasis.Validation ? "validation accuracy" : "final round (no validation metrics)",
            baseline?.Accuracy, baseline?.MacroF1, baseline?.StandardError,
            baseline is not null && at is not null ? baseline.Warning(at.Accuracy, at.MacroF1) : null);
    }
}
