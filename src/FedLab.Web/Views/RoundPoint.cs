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
    double CumulativeClientTflops,
    IReadOnlyDictionary<string, double>? Extra = null)
{
    /// <summary>A named metric of the open set (privacy.epsilon, clock.roundSeconds, ...), null when the round has none.</summary>
    public double? Metric(string name) => Extra is not null && Extra.TryGetValue(name, out var value) ? value : null;

    public double CumulativeMbTotal => CumulativeMbUp.Values.Sum() + CumulativeMbDown.Values.Sum();
}
