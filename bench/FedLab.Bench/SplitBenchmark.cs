using System.Diagnostics;
using System.Globalization;
using FedLab.Engine.Federation;
using FedLab.Engine.Frameworks.SplitFedLlm;
using FedLab.Engine.Runs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Bench;

/// <summary>
/// Issue #4's split figure, measured in one process run: the per-batch time of a split training step (client forward,
/// activations serialised and deserialised into a leaf on the server, server forward/backward, the gradient serialised
/// and back-propagated on the client, both AdamW steps) against the unsplit step (forward, backward, one AdamW step)
/// on the same batch of the same model: MiniLM, LoRA r=8 on query and value, batch 16, 64 tokens. Warm-up first,
/// then repetitions interleaved (unsplit, split, unsplit, ...) so drift on this shared machine hits both alike;
/// the ratio of the medians per cut, and of the minima (contention only ever adds time, so the fastest repetition
/// is the closest to the step's own cost).
/// </summary>
internal static class SplitBenchmark
{
    private const int WarmUp = 2;
    private const int Repetitions = 7;

    public static void Run(TextWriter output)
    {
        var spec = new RunSpec
        {
            Name = "bench",
            Model = "minilm-l6",
            Dataset = new DatasetSpec { Name = "spam", MaxTokens = 64, TestLimit = 16 },
            Partition = new PartitionSpec { Kind = PartitionMethod.Iid, Clients = 1 },
            Framework = SplitFramework.Id,
            FineTune = new FineTuneSpec { Mode = FineTuneKind.Lora, Lora = new LoraSpec { Rank = 8, Alpha = 16, Targets = ["query", "value"] } },
            Training = new TrainingSpec { Rounds = 1, LocalSteps = 1, BatchSize = 16, LearningRate = 0.002 },
            Seed = 1,
        };
        using var env = RunEnvironment.Create(spec, new EngineOptions());
        // Sixteen examples that fill all 64 tokens: the batch is exactly 16 x 64.
        var indices = Enumerable.Range(0, env.Train.Count).Where(i => env.Train.Ids[i].Length == spec.Dataset.MaxTokens).Take(16).ToArray();
        output.WriteLine(Inv($"model {env.ModelInfo.Id}, LoRA r=8 on q,v; batch {indices.Length} x {spec.Dataset.MaxTokens} tokens; {WarmUp} warm-up + {Repetitions} interleaved repetitions per cut, medians; {get_num_threads()} threads"));
        var parameters = env.Trainable.Select(p => p.Parameter).ToList();
        env.Model.train();

        var cases = Enumerable.Range(1, env.Model.NumLayers - 1).Select(c => (Cut: c, Precision: WirePrecision.Fp32)).Append((Cut: 2, Precision: WirePrecision.Fp16));
        var ratios = new List<double>();
        var minRatios = new List<double>();
        foreach (var (cut, precision) in cases)
        {
            var parts = SplitParts.Of(env.Trainable, cut);
            var protocol = new SplitProtocol(env.Model, cut, precision, clientTrains: true, env.Device);
            using var whole = optim.AdamW(parameters, spec.Training.LearningRate);
            using var client = optim.AdamW(parts.Client.Select(p => p.Parameter).ToList(), spec.Training.LearningRate);
            using var server = optim.AdamW(parts.Server.Select(p => p.Parameter).ToList(), spec.Training.LearningRate);
            long up = 0, down = 0;
            for (int i = 0; i < WarmUp; i++)
            {
                UnsplitStep(env, indices, whole);
                SplitStep(env, indices, protocol, client, server, out up, out down);
            }
            var unsplit = new List<double>();
            var split = new List<double>();
            for (int i = 0; i < Repetitions; i++)
            {
                unsplit.Add(UnsplitStep(env, indices, whole));
                split.Add(SplitStep(env, indices, protocol, client, server, out up, out down));
            }
            double a = Median(unsplit), b = Median(split);
            ratios.Add(b / a);
            minRatios.Add(split.Min() / unsplit.Min());
            output.WriteLine(Inv($"cut {cut} ({precision.ToString().ToLowerInvariant()}): median unsplit {a * 1e3,7:F1} ms, split {b * 1e3,7:F1} ms per batch, ratio split/unsplit = {b / a:F3}; fastest {unsplit.Min() * 1e3:F1} vs {split.Min() * 1e3:F1} ms, ratio {minRatios[^1]:F3}   (up {up / 1e6:F3} MB, down {down / 1e6:F3} MB per batch)"));
        }
        output.WriteLine(Inv($"largest ratio of medians = {ratios.Max():F3}, of fastest repetitions = {minRatios.Max():F3}   (target <= 1.10)"));
    }

    private static double UnsplitStep(RunEnvironment env, int[] indices, OptimizerHelper optimizer)
    {
        random.manual_seed(7);
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var batch = env.Train.MakeBatch(indices, env.Device);
        optimizer.zero_grad();
        var loss = nn.functional.cross_entropy(env.Model.forward(batch.InputIds, batch.AttentionMask), batch.Labels);
        loss.item<float>();
        loss.backward();
        optimizer.step();
        return clock.Elapsed.TotalSeconds;
    }

    private static double SplitStep(RunEnvironment env, int[] indices, SplitProtocol protocol, OptimizerHelper client, OptimizerHelper server, out long up, out long down)
    {
        random.manual_seed(7);
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var batch = env.Train.MakeBatch(indices, env.Device);
        client.zero_grad();
        server.zero_grad();
        var forward = protocol.ClientForward(batch);
        var result = protocol.ServerStep(forward.ActivationsPayload, forward.LabelsPayload);
        server.step();
        protocol.ClientBackward(forward.Activations, result.Gradient!);
        client.step();
        up = forward.ActivationsPayload.Length + forward.LabelsPayload.Length;
        down = result.Gradient!.Length;
        return clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
