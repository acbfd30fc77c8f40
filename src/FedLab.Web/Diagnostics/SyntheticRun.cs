using FedLab.Data;
using FedLab.Engine.Frameworks.FedLlm;
using FedLab.Engine.Runs;

namespace FedLab.Web.Diagnostics;

/// <summary>
/// Records a run of made-up but plausible metrics (rising accuracy, falling loss, per-client noise) through
/// the real recorder, without training: for page-speed tests and the dashboard benchmark (1,000 rounds x
/// 100 clients in seconds instead of days). Deterministic by seed.
/// </summary>
internal static class SyntheticRun
{
    public static RunSpec Spec(int rounds, int clients, string name) => new()
    {
        Name = name,
        Model = "tiny",
        Dataset = new DatasetSpec { Name = "spam", MaxTokens = 24 },
        Partition = new PartitionSpec { Kind = PartitionMethod.Dirichlet, Clients = clients, Alpha = 0.5 },
        Framework = FedLlmFramework.Id,
        Training = new TrainingSpec { Rounds = rounds, LocalSteps = 2 },
        Seed = 1,
    };

    public static async Task<Guid> RecordAsync(RunStore store, RunRecorderFactory recorders, int rounds, int clients, string name, CancellationToken ct)
    {
        var spec = Spec(rounds, clients, name);
        var id = await store.CreateRunAsync(spec, null, ct);
        var recorder = recorders.Create(id);
        foreach (var e in Events(id, spec, stopAfter: null))
        {
            recorder.Publish(e);
        }
        return id;
    }

    /// <summary>The events of a whole run (or of its first rounds), in the order the engine would publish them.</summary>
    public static IEnumerable<RunEvent> Events(Guid id, RunSpec spec, int? stopAfter)
    {
        int rounds = spec.Training.Rounds;
        int clients = spec.Partition.Clients;
        var random = new Random(spec.Seed);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var histograms = Enumerable.Range(0, clients).Select(_ => new[] { random.Next(5, 60), random.Next(5, 60) }).ToList();
        var info = new RunInfo("cpu", "synthetic", 1_000_000, 10_000, 40_000, histograms.Sum(h => h.Sum()), 400, 0, ["ham", "spam"], histograms, "synthetic");
        yield return new RunStarted(id, start, spec, info, 0);
        var none = new Dictionary<PayloadKind, long>();
        yield return new RoundFinished(id, start, new RoundMetrics(0, new EvalMetrics(0.5, 0.4, 0.69, 400), 0, 0, 0, none, none, 0, 0, 0, 0.1, 0.1, null), rounds, null);
        int last = Math.Min(rounds, stopAfter ?? rounds);
        for (int round = 1; round <= last; round++)
        {
            var at = start.AddSeconds(round);
            var reports = new List<ClientRoundMetrics>(clients);
            for (int c = 0; c < clients; c++)
            {
                var bytes = new Dictionary<PayloadKind, long> { [PayloadKind.Parameters] = 40_000 };
                double loss = 0.7 * Math.Exp(-round / (rounds / 4.0 + 1)) + 0.05 * random.NextDouble();
                var m = new ClientRoundMetrics(round, c, histograms[c].Sum(), 2, loss, 40_000, 40_000, bytes, bytes, 2e9, 0.05);
                reports.Add(m);
                yield return new ClientRoundFinished(id, at, m);
            }
            double accuracy = 0.5 + 0.45 * (1 - Math.Exp(-round / (rounds / 5.0 + 1))) + 0.01 * random.NextDouble();
            var up = new Dictionary<PayloadKind, long> { [PayloadKind.Parameters] = 40_000L * clients };
            var metrics = new RoundMetrics(round, new EvalMetrics(accuracy, accuracy - 0.05, 1 - accuracy, 400), clients, 40_000L * clients, 40_000L * clients,
                up, up, 2e9 * clients, 0.05 * clients, 0.01, 0.1, 0.05 * clients + 0.2, reports.Average(r => r.TrainLoss));
            yield return new RoundFinished(id, at, metrics, rounds, null);
        }
        if (last == rounds)
        {
            yield return new RunFinished(id, start.AddSeconds(rounds + 1), 0.95, 0.95, rounds);
        }
    }
}
