namespace FedLab.Engine.Runs;

/// <summary>How a round was chosen as a run's "best".</summary>
public enum SelectionBasis
{
    /// <summary>The highest validation score among the trained rounds (ties: the earliest).</summary>
    Validation,

    /// <summary>No validation metrics (the spec holds none out, or the framework cannot evaluate on them): the final round.</summary>
    FinalRound,
}

/// <summary>A chosen round and why it was chosen.</summary>
public sealed record SelectedRound(int Round, SelectionBasis Basis)
{
    /// <summary>Words for a page or an export: "round 7, best validation accuracy" / "round 10, final (no validation split)".</summary>
    public string Describe(string metric = "accuracy") => Basis == SelectionBasis.Validation
        ? $"round {Round}, chosen on validation {metric}"
        : $"round {Round}, the final round (no validation metrics)";
}

/// <summary>
/// The one rule for a run's "best" round, used by the engine, the store, the pages and the exports: round 0 (the
/// untrained model) is shown but never best; the round is chosen on the validation split, never the test split; the
/// test metric is then reported at that round. Without validation metrics the final trained round stands in.
/// </summary>
public static class RoundSelection
{
    /// <summary>
    /// Chooses among <paramref name="rounds"/> (round number, validation score or null). Returns null when no round
    /// after 0 exists. <paramref name="higherIsBetter"/> is false for a loss.
    /// </summary>
    public static SelectedRound? Best(IEnumerable<(int Round, double? Validation)> rounds, bool higherIsBetter = true)
    {
        SelectedRound? best = null;
        double bestScore = 0;
        int last = -1;
        foreach (var (round, validation) in rounds.Where(r => r.Round > 0).OrderBy(r => r.Round))
        {
            last = round;
            if (validation is not double v || !double.IsFinite(v))
            {
                continue;
            }
            double score = higherIsBetter ? v : -v;
            if (best is null || score > bestScore)
            {
                (best, bestScore) = (new SelectedRound(round, SelectionBasis.Validation), score);
            }
        }
        return best ?? (last > 0 ? new SelectedRound(last, SelectionBasis.FinalRound) : null);
    }

    /// <summary>The engine's own rounds: chosen on validation accuracy (<see cref="EvaluationExtras.ValidationAccuracy"/>).</summary>
    public static SelectedRound? Best(IReadOnlyList<RoundMetrics> rounds) =>
        Best(rounds.Select(r => (r.Round, EvaluationExtras.Get(r.Extra, EvaluationExtras.ValidationAccuracy))));
}
