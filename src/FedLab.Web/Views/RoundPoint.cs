using FedLab.Data;

namespace FedLab.Web.Views;

/// <summary>
/// One round as the run page draws it: the round's metrics and the run's cumulative cost up to and
/// including it (MB by direction and payload kind, client TFLOPs), and its named metrics (Extra).
/// </summary>
public sealed record RoundPoint(
    int Round,
    double Accuracy,
    double MacroF1,
    double Loss,
    double? TrainLoss,
    double? ClientAccuracyMean,
    PayloadBytes Up,
    PayloadBytes Down,
    double ClientTflops,
    double ClientSeconds,
    double WallSeconds,
    DateTimeOffset FinishedAt,
    IReadOnlyDictionary<Engine.Runs.PayloadKind, double> CumulativeMbUp,
    IReadOnlyDictionary<Engine.Runs.PayloadKind, double> CumulativeMbDown,
    double CumulativeClientTflops)
{
    public double CumulativeMbTotal => CumulativeMbUp.Values.Sum() + CumulativeMbDown.Values.Sum();

    /// <summary>
    /// The round's named metrics: the evaluation's ("validation.accuracy", "test.confusion.0.1", ...; Engine.Runs.EvaluationExtras)
    /// and the round's own (privacy.epsilon, clock.roundSeconds, ...).
    /// </summary>
    public IReadOnlyDictionary<string, double> Extra { get; init; } = new Dictionary<string, double>();

    /// <summary>A named metric, null when the round has none of that name.</summary>
    public double? Metric(string name) => Extra.TryGetValue(name, out var v) ? v : null;
}
