using FedLab.Engine.Federation;
using FedLab.Engine.Frameworks.SplitFedLlm;
using FedLab.Engine.Runs;
using FedLab.Engine.Studies;

namespace FedLab.Data.Studies;

/// <summary>
/// Statistics across seeds, computed from the stored rows of a study's finished runs (nothing is stored twice), and
/// the what-if: each stored round re-costed under a deployment profile.
/// </summary>
public sealed class StudyAnalysis(RunStore runs)
{
    /// <summary>
    /// The host FLOP rate at which the stored server seconds were measured, to turn them into FLOPs for the what-if of a
    /// run stored before the engine recorded "server.flops". 130 GFLOP/s is the middle of what docs/ENVIRONMENT measured
    /// on these 2 cores (100-160 GFLOP/s forward+backward).
    /// </summary>
    public const double HostGflops = 130;

    public async Task<StudyResults> AnalyseAsync(StudyState state, DeploymentProfile profile, CancellationToken ct)
    {
        double? target = state.Spec.TargetAccuracy;
        var finished = state.Runs.Where(r => r.Run?.Status == RunStatus.Finished).ToList();
        var summaries = (await runs.GetSummariesAsync([.. finished.Select(r => r.Run!.Id)], target, ct)).ToDictionary(s => s.RunId);
        var series = (await runs.GetSeriesAsync([.. finished.Select(r => r.Run!.Id)], ct)).ToDictionary(s => s.RunId);
        var costs = new Dictionary<Guid, SeedCosts>();
        foreach (var r in finished)
        {
            if (await runs.GetRunAsync(r.Run!.Id, ct) is { } detail)
            {
                costs[r.Run.Id] = Costs(r.Cell, detail);
            }
        }
        var configurations = new List<ConfigurationResult>();
        foreach (var group in state.Runs.GroupBy(r => r.Cell.Configuration))
        {
            var first = group.First().Cell;
            var done = group.Where(r => r.Run?.Status == RunStatus.Finished && series.ContainsKey(r.Run.Id) && costs.ContainsKey(r.Run.Id)).ToList();
            var s = done.Select(r => series[r.Run!.Id]).ToList();
            var sum = done.Select(r => summaries[r.Run!.Id]).ToList();
            var seedCosts = done.Select(r => costs[r.Run!.Id]).ToList();
            int length = s.Count == 0 ? 0 : s.Min(x => x.Count);
            var simulated = seedCosts.Select(c => WhatIfClock.Cumulative(c.Rounds, profile)).ToList();
            SeedInterval PerRound(Func<RunSeries, int, double> pick, int i) => SeedInterval.Of(s.Select(x => pick(x, i)));
            var reached = sum.Where(x => x.CostToTarget is not null).ToList();
            var reachedCosts = seedCosts.Where((c, i) => sum[i].CostToTarget is not null).ToList();
            configurations.Add(new ConfigurationResult
            {
                Label = first.FrameworkLabel,
                Framework = first.Framework,
                Setting = first.Setting,
                Seeds = group.Count(),
                SeedsFinished = done.Count,
                Rounds = length == 0 ? [] : [.. s[0].Rounds.Take(length)],
                Accuracy = [.. Enumerable.Range(0, length).Select(i => PerRound((x, k) => x.Accuracy[k], i))],
                Loss = [.. Enumerable.Range(0, length).Select(i => PerRound((x, k) => x.Loss[k], i))],
                CumulativeMb = [.. Enumerable.Range(0, length).Select(i => PerRound((x, k) => x.CumulativeMbUp[k] + x.CumulativeMbDown[k], i))],
                CumulativeClientTflops = [.. Enumerable.Range(0, length).Select(i => PerRound((x, k) => x.CumulativeClientTflops[k], i))],
                SimulatedSeconds = [.. Enumerable.Range(0, length).Select(i => SeedInterval.Of(simulated.Select(c => c[Math.Min(i, c.Count - 1)])))],
                Best = SeedInterval.Of(sum.Select(x => x.Accuracy.Best)),
                Final = SeedInterval.Of(sum.Select(x => x.Accuracy.Final)),
                TotalMb = SeedInterval.Of(sum.Select(x => x.MbUp + x.MbDown)),
                TotalClientTflops = SeedInterval.Of(sum.Select(x => x.ClientTflops)),
                TotalSimulatedSeconds = SeedInterval.Of(simulated.Select(c => c.Count == 0 ? double.NaN : c[^1])),
                ClientAccuracySpread = SeedInterval.Of(s.Select(x => x.ClientAccuracyStd.Count == 0 ? null : x.ClientAccuracyStd[^1]).OfType<double>()),
                TargetReached = reached.Count,
                MbToTarget = SeedInterval.Of(reached.Select(x => x.CostToTarget!.MbTotal)),
                TflopsToTarget = SeedInterval.Of(reached.Select(x => x.CostToTarget!.ClientTflops)),
                RoundsToTarget = SeedInterval.Of(reached.Select(x => (double)x.CostToTarget!.Round)),
                SimulatedSecondsToTarget = target is double t
                    ? SeedInterval.Of(reachedCosts.Select(c => WhatIfClock.TimeToTarget(c.Rounds, c.Accuracy, t, profile) ?? double.NaN))
                    : SeedInterval.Empty,
                SeedRuns = seedCosts,
            });
        }
        return new StudyResults(state, profile, target, configurations);
    }

    /// <summary>
    /// A stored run's rounds as the what-if costs them. Round trips per client and round follow the protocol: split
    /// learning one per batch (its client rows' steps) plus one when SplitFed averages the client part; FedLLM and
    /// KD one (model or logits down, update or logits up). Round 0 (evaluation before training) costs nothing.
    /// </summary>
    public static SeedCosts Costs(StudyCell cell, RunDetail detail)
    {
        var (rounds, accuracy) = RoundCosts(detail);
        return new SeedCosts(detail.Summary.Id, cell.Seed, rounds, accuracy);
    }

    /// <summary>
    /// The server's FLOPs of a round: the analytic count the engine records ("server.flops"), or, for a run stored
    /// before it did, the measured server seconds at <see cref="HostGflops"/>.
    /// </summary>
    public static double ServerFlops(RoundRow round) =>
        round.Extra.TryGetValue(ServerCost.Flops, out var flops) && double.IsFinite(flops) ? flops : round.ServerSeconds * HostGflops * 1e9;

    /// <summary>Any stored run's rounds as the what-if costs them, with its test accuracy per round (the compare page uses this too).</summary>
    public static (IReadOnlyList<RoundCost> Rounds, IReadOnlyList<double> Accuracy) RoundCosts(RunDetail detail)
    {
        bool split = detail.Spec?.Framework == "split";
        bool sequential = split && detail.Spec!.Split.Variant == SplitVariant.Sequential;
        var rounds = new List<RoundCost>();
        var accuracy = new List<double>();
        var clientRows = detail.ClientRounds.ToLookup(c => c.Round);
        foreach (var round in detail.Rounds.OrderBy(r => r.Round))
        {
            var clients = round.Round == 0 ? [] : clientRows[round.Round].Select(c => new ClientCost(c.BytesUp, c.BytesDown, c.Flops,
                split ? c.Steps + (c.Down[PayloadKind.Parameters] > 0 ? 1 : 0) : 1)).ToList();
            rounds.Add(new RoundCost(round.Round, clients, round.Round == 0 ? 0 : ServerFlops(round), sequential));
            accuracy.Add(round.Accuracy);
        }
        return (rounds, accuracy);
    }
}
