using System.Globalization;
using FedLab.Engine.Federation;
using FedLab.Engine.Frameworks.SplitFedLlm;
using FedLab.Engine.Runs;

namespace FedLab.Bench;

/// <summary>
/// Issue 16, SplitFed's client half batched: one SplitFed round (training, per-batch payloads, server steps and
/// aggregation; not evaluation) with its clients one by one against in batched groups, interleaved, the best of two:
///   batched/sequential round time, splitfed, MODEL, N clients = X
/// MiniLM (LoRA r=8 on q and v below and above the cut at 3) for 5 and 20 clients, and the tiny test model for 20.
/// The server part still steps once per client per batch in both; only the client-side bottom is batched.
/// </summary>
internal static class SplitBatchingBenchmark
{
    public static void Run(TextWriter output)
    {
        foreach (var (model, clients, steps, tokens) in new[] { ("minilm-l6", 5, 2, 64), ("minilm-l6", 20, 1, 64), ("tiny", 20, 2, 64) })
        {
            var spec = new RunSpec
            {
                Name = "bench",
                Model = model,
                Dataset = new DatasetSpec { Name = "spam", MaxTokens = tokens, TestLimit = 16, ValidationFraction = 0 },
                Partition = new PartitionSpec { Kind = PartitionMethod.Iid, Clients = clients },
                Framework = SplitFramework.Id,
                Split = new SplitOptions { CutLayer = model == "tiny" ? 1 : 3, Variant = SplitVariant.SplitFed },
                FineTune = new FineTuneSpec { Mode = FineTuneKind.Lora, Lora = new LoraSpec { Rank = 8, Alpha = 16, Targets = ["query", "value"] } },
                Training = new TrainingSpec { Rounds = 1, LocalSteps = steps, BatchSize = 16, LearningRate = 0.002 },
                Seed = 1,
            };
            var (sequential, batched) = PerformanceBenchmark.BatchedAgainstSequential(spec);
            output.WriteLine(Inv($"splitfed round of {clients} clients x {steps} steps x 16 x {tokens} tokens, {model}, cut {spec.Split.CutLayer}: one by one {sequential:F2} s, batched (groups of up to 10) {batched:F2} s"));
            output.WriteLine(Inv($"batched/sequential round time, splitfed, {model}, {clients} clients = {batched / sequential:F3}"));
        }
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
