using System.Globalization;
using FedLab.Engine.Federation;
using FedLab.Engine.Runs;

namespace FedLab.Bench;

/// <summary>
/// Issue 16, KD-FedLLM's client work batched (phase 1: local training and the public-set pass; phase 2: distillation)
/// against one client after another, on the tiny test model only (no MiniLM), interleaved, best of 2:
///   batched/sequential round time, KD, N clients = X   (N = 5, 20)
/// Round time = the round's wall time less the global evaluation (the clients' own-model evaluations stay in both).
/// </summary>
internal static class KdBatchingBenchmark
{
    public static void Run(TextWriter output)
    {
        foreach (var clients in new[] { 5, 20 })
        {
            Line(output, clients, steps: 2, tokens: 64);
        }
    }

    private static void Line(TextWriter output, int clients, int steps, int tokens)
    {
        var spec = new RunSpec
        {
            Name = "bench-kd",
            Model = "tiny",
            Dataset = new DatasetSpec { Name = "spam", MaxTokens = tokens, TestLimit = 16, ValidationFraction = 0 },
            Partition = new PartitionSpec { Kind = PartitionMethod.Iid, Clients = clients },
            Framework = KdFramework.Id,
            Kd = new KdOptions { Variant = KdVariant.Consensus, PublicSize = 64, DistillationSteps = steps },
            FineTune = new FineTuneSpec { Mode = FineTuneKind.Lora, Lora = new LoraSpec { Rank = 8, Alpha = 16, Targets = ["query", "value"] } },
            Training = new TrainingSpec { Rounds = 1, LocalSteps = steps, BatchSize = 16, LearningRate = 0.002 },
            Seed = 1,
        };
        var sequential = new List<(double Round, double Clients)>();
        var batched = new List<(double Round, double Clients)>();
        for (int r = 0; r < 2; r++)
        {
            sequential.Add(RoundSeconds(spec with { ClientBatching = new ClientBatchingSpec { Enabled = false } }));
            batched.Add(RoundSeconds(spec with { ClientBatching = new ClientBatchingSpec { Enabled = true, MaxClientsPerGroup = 10 } }));
        }
        double seqRound = sequential.Min(x => x.Round), batRound = batched.Min(x => x.Round);
        double seqClients = sequential.Min(x => x.Clients), batClients = batched.Min(x => x.Clients);
        output.WriteLine(Inv($"KD round of {clients} clients x ({steps} local + {steps} distillation steps) x 16 x {tokens} tokens, public set 64, LoRA r=8 on q/v of the tiny BERT: sequential {seqRound:F2} s (client work {seqClients:F2} s), batched (groups of up to 10) {batRound:F2} s (client work {batClients:F2} s)"));
        output.WriteLine(Inv($"batched/sequential round time, KD, {clients} clients = {batRound / seqRound:F3}"));
        output.WriteLine(Inv($"batched/sequential client work time, KD, {clients} clients = {batClients / seqClients:F3}"));
    }

    /// <summary>Round 1's wall time less its global evaluation, and the sum of its clients' seconds (their work).</summary>
    private static (double Round, double Clients) RoundSeconds(RunSpec spec)
    {
        var result = new RunExecutor(new EngineOptions()).Execute(Guid.NewGuid(), spec, new NullSink(), CancellationToken.None);
        if (result.Status != RunStatus.Finished)
        {
            throw new InvalidOperationException(result.Error);
        }
        var round = result.Rounds.Single(r => r.Round == 1);
        return (round.WallSeconds - round.EvalSeconds, result.ClientRounds.Where(c => c.Round == 1).Sum(c => c.Seconds));
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed class NullSink : IRunEventSink
    {
        public void Publish(RunEvent runEvent)
        {
        }
    }
}
