using FedLab.Data;
using FedLab.Engine.Frameworks;
using FedLab.Engine.Runs;
using FedLab.Engine.Tasks;

namespace FedLab.Web.Cli;

/// <summary>
/// One line of the comparison, from a run's measured metrics. "Per client" divides the run's totals over every
/// client round by the federation's client count (the centralized reference's single trainer included, so its figures
/// read as "the same total work, spread over the same clients").
/// </summary>
internal sealed record CompareRow(
    string Label,
    string Framework,
    string Variant,
    RunStatus Status,
    int CompletedRounds,
    int Clients,
    double BestAccuracy,
    double FinalAccuracy,
    double? FinalClientAccuracyMean,
    double? FinalClientAccuracyStd,
    double MbUpPerClient,
    double MbDownPerClient,
    double MbPerRoundPerClient,
    double ClientTflopsPerClient,
    double ClientSecondsPerClient,
    double WallSeconds,
    long TrainableParameters,
    string AccuracyMetric = AccuracyMetrics.Accuracy)
{
    public static CompareRow From(string label, RunResult result)
    {
        var spec = result.Spec;
        int clients = spec.Partition.Clients;
        int rounds = result.Rounds.Count(r => r.Round > 0);
        var last = result.Rounds.Count == 0 ? null : result.Rounds[^1];
        // Completed rounds only: a cancelled run may have reported some clients of the round it did not finish.
        var clientRounds = result.ClientRounds.Where(c => last is not null && c.Round <= last.Round).ToList();
        double up = clientRounds.Sum(c => (double)c.BytesUp), down = clientRounds.Sum(c => (double)c.BytesDown);
        return new CompareRow(
            label,
            Name(spec.Framework),
            Describe(spec),
            result.Status,
            rounds,
            clients,
            result.BestAccuracy,
            result.FinalAccuracy,
            last?.ClientAccuracyMean,
            last?.ClientAccuracyStd,
            up / clients / 1e6,
            down / clients / 1e6,
            rounds == 0 ? 0 : (up + down) / clients / rounds / 1e6,
            clientRounds.Sum(c => c.Flops) / clients / 1e12,
            clientRounds.Sum(c => c.Seconds) / clients,
            result.WallSeconds,
            result.Info.TrainableParameters,
            spec.IsGenerative() ? AccuracyMetrics.ExactMatch : AccuracyMetrics.Accuracy);
    }

    public static string Name(string framework) => framework;

    private static string Describe(RunSpec spec)
    {
        var mode = spec.FineTune.Mode switch
        {
            FineTuneKind.Full => "full",
            FineTuneKind.HeadOnly => "head-only",
            _ => $"lora r={spec.FineTune.Lora.Rank}",
        };
        var variant = FrameworkRegistry.Find(spec.Framework)?.Variant(spec) ?? "";
        var realism = Engine.Federation.RealismSummary.Describe(spec); // dropout, DP, SecAgg, robust: empty when unused
        var described = variant.Length == 0 ? mode : $"{variant}, {mode}";
        return realism.Length == 0 ? described : $"{described}; {realism}";
    }
}
