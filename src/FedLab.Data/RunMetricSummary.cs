using System.Text.Json.Serialization;
using FedLab.Engine.Runs;

namespace FedLab.Data;

/// <summary>
/// A run's metrics over its recorded rounds (see <see cref="MetricSummary"/>) and its totals, for the
/// comparison page. <see cref="CostToTarget"/> is set when a target accuracy was asked for and reached.
/// </summary>
public sealed record RunMetricSummary
{
    public required Guid RunId { get; init; }
    public required string Name { get; init; }
    public required string Framework { get; init; }
    [JsonConverter(typeof(RunStatusJsonConverter))]
    public required RunStatus Status { get; init; }
    public required int RoundsDone { get; init; }
    public required int TotalRounds { get; init; }
    public required MetricSummary Accuracy { get; init; }
    public required MetricSummary MacroF1 { get; init; }
    public required MetricSummary Loss { get; init; }
    public required MetricSummary TrainLoss { get; init; }
    public required long BytesUp { get; init; }
    public required long BytesDown { get; init; }
    public required PayloadBytes Up { get; init; }
    public required PayloadBytes Down { get; init; }
    public required double ClientFlops { get; init; }
    public required double ClientSeconds { get; init; }
    public required double Seconds { get; init; }
    public double? TargetAccuracy { get; init; }
    public CostToTarget? CostToTarget { get; init; }

    /// <summary>How the "best" round of the test metrics was chosen: "validation" or "final round" (no validation metrics).</summary>
    public string? Selection { get; init; }

    /// <summary>The validation accuracy at the best round (what chose it); null without validation metrics.</summary>
    public double? ValidationAccuracy { get; init; }

    /// <summary>Balanced accuracy and (two classes) AUPRC of the test split, best = at the validation-chosen round.</summary>
    public MetricSummary BalancedAccuracy { get; init; } = MetricSummary.Empty;
    public MetricSummary Auprc { get; init; } = MetricSummary.Empty;

    /// <summary>
    /// Generative runs (test.exactMatch, test.perplexity): exact match of greedy answers and perplexity on the answer
    /// tokens, best = at the validation-chosen round; Empty for a classification run. A generative run's Accuracy is its
    /// exact match too, so pages show it under that name and leave the accuracy columns empty ("–").
    /// </summary>
    public MetricSummary ExactMatch { get; init; } = MetricSummary.Empty;
    public MetricSummary Perplexity { get; init; } = MetricSummary.Empty;
    public bool Generative { get; init; }

    /// <summary>Always predicting the test split's majority class; null for runs recorded before class counts were.</summary>
    public Engine.Runs.MajorityBaseline? Baseline { get; init; }

    /// <summary>Why the best round's test numbers are no better than the majority baseline; null when they are.</summary>
    public string? BaselineWarning { get; init; }

    public double? TargetMacroF1 { get; init; }
    public CostToTarget? CostToMacroF1Target { get; init; }

    /// <summary>ε after the last round (privacy.epsilon); null for a run without differential privacy.</summary>
    public double? Epsilon { get; init; }

    /// <summary>
    /// The mean over rounds of the fraction of selected clients that contributed (availability.completion); null for a
    /// run without an availability section (every client always contributes).
    /// </summary>
    public double? Completion { get; init; }

    public double MbUp => BytesUp / 1_000_000.0;
    public double MbDown => BytesDown / 1_000_000.0;
    public double ClientTflops => ClientFlops / 1e12;
}
