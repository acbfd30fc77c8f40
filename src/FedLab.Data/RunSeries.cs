using System.Text.Json.Serialization;
using FedLab.Engine.Runs;

namespace FedLab.Data;

/// <summary>
/// One run's rounds as parallel arrays (index i = <see cref="Rounds"/>[i]), ready for chart traces:
/// accuracy/F1/loss per round, bytes per round and cumulative MB (total and by payload kind), client
/// compute per round and cumulative, and seconds. Round 0 (before training) is included with zero cost.
/// </summary>
public sealed record RunSeries
{
    public required Guid RunId { get; init; }
    public required string Name { get; init; }
    public required string Framework { get; init; }
    [JsonConverter(typeof(RunStatusJsonConverter))]
    public required RunStatus Status { get; init; }
    public required IReadOnlyList<int> Rounds { get; init; }
    public required IReadOnlyList<double> Accuracy { get; init; }
    public required IReadOnlyList<double> MacroF1 { get; init; }
    public required IReadOnlyList<double> Loss { get; init; }
    public required IReadOnlyList<double?> TrainLoss { get; init; }
    public required IReadOnlyList<double?> ClientAccuracyMean { get; init; }
    public required IReadOnlyList<double?> ClientAccuracyStd { get; init; }
    public required IReadOnlyList<long> BytesUp { get; init; }
    public required IReadOnlyList<long> BytesDown { get; init; }
    public required IReadOnlyList<double> CumulativeMbUp { get; init; }
    public required IReadOnlyList<double> CumulativeMbDown { get; init; }
    /// <summary>Cumulative MB up per payload kind; only kinds that carried bytes in this run.</summary>
    public required IReadOnlyDictionary<PayloadKind, IReadOnlyList<double>> CumulativeMbUpByKind { get; init; }
    public required IReadOnlyDictionary<PayloadKind, IReadOnlyList<double>> CumulativeMbDownByKind { get; init; }
    public required IReadOnlyList<double> ClientTflops { get; init; }
    public required IReadOnlyList<double> CumulativeClientTflops { get; init; }
    public required IReadOnlyList<double> ClientSeconds { get; init; }
    public required IReadOnlyList<double> WallSeconds { get; init; }
    public required IReadOnlyList<double> CumulativeSeconds { get; init; }

    /// <summary>Validation accuracy per round (null where the run had no validation split); chooses the best round.</summary>
    public IReadOnlyList<double?> ValidationAccuracy { get; init; } = [];

    /// <summary>Balanced accuracy of the test split per round (null for runs recorded before it was).</summary>
    public IReadOnlyList<double?> BalancedAccuracy { get; init; } = [];

    /// <summary>Always predicting the test split's majority class (from round 0's class counts); null when unknown.</summary>
    public MajorityBaseline? Baseline { get; init; }

    public int Count => Rounds.Count;

    /// <summary>The cost by the first round whose accuracy is at least <paramref name="targetAccuracy"/>; null if none.</summary>
    public CostToTarget? CostToReach(double targetAccuracy) => CostToReach(Accuracy, targetAccuracy);

    /// <summary>The cost by the first round whose macro-F1 is at least <paramref name="targetMacroF1"/>; null if none.</summary>
    public CostToTarget? CostToReachMacroF1(double targetMacroF1) => CostToReach(MacroF1, targetMacroF1);

    private CostToTarget? CostToReach(IReadOnlyList<double> metric, double target)
    {
        for (int i = 0; i < Rounds.Count; i++)
        {
            if (metric[i] >= target)
            {
                return new CostToTarget(Rounds[i], CumulativeMbUp[i], CumulativeMbDown[i], CumulativeClientTflops[i], CumulativeSeconds[i]);
            }
        }
        return null;
    }
}
