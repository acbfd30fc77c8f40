using System.Diagnostics;
using System.Globalization;
using FedLab.Engine.Federation;
using FedLab.Engine.Performance;
using FedLab.Engine.Runs;
using static TorchSharp.torch;

namespace FedLab.Bench;

/// <summary>
/// Issue 16's figures, each a ratio of two things measured side by side in this process (interleaved repetitions,
/// medians), printed as the fixed lines the issue names so that one change can be compared with the next:
///   fp32 step fraction of fp32 matmul peak = X
///   bf16 step speedup over fp32 = X               (with the bf16 matmul peak and the bf16/fp32 peak ratio)
///   batched/sequential round time, N clients = X  (N = 5, 20, 50)
///   batched/sequential round time, full fine-tuning, N clients = X  (the tiny test model, N = 5, 20)
///   eval share of round time = X                  (before and after the evaluation changes)
/// Part of the engine benchmark; `perf` runs it alone.
/// </summary>
internal static class PerformanceBenchmark
{
    private const int Steps = 6;
    private const int Repetitions = 3;

    public static void Run(TextWriter output)
    {
        output.WriteLine(Inv($"{get_num_threads()} threads; CPU bf16: {CpuFeatures.SupportsBf16}"));
        StepLines(output, tokens: 64, ["query", "value"]);
        StepLines(output, tokens: 128, ["query", "key", "value", "output"]);
        // 50 clients: a tiny run (1 step of 16 x 32 tokens each), as the issue allows.
        foreach (var (clients, steps, tokens) in new[] { (5, 2, 64), (20, 1, 64), (50, 1, 32) })
        {
            BatchedLine(output, clients, steps, tokens);
        }
        FullFineTuningLines(output);
        EvalShareLines(output);
    }

    /// <summary>Batched full fine-tuning on the tiny test model (`perf-full` runs these lines alone: no MiniLM).</summary>
    public static void FullFineTuningLines(TextWriter output)
    {
        foreach (var clients in new[] { 5, 20 })
        {
            FullBatchedLine(output, clients, steps: 2, tokens: 64);
        }
    }

    /// <summary>fp32 and bf16 training steps of the same LoRA spec, interleaved, against each type's matmul peak.</summary>
    private static void StepLines(TextWriter output, int tokens, IReadOnlyList<string> targets)
    {
        var spec = Spec(1, tokens, targets) with { Dataset = new DatasetSpec { Name = "spam", MaxTokens = tokens, TestLimit = 16, ValidationFraction = 0 } };
        using var fp32 = RunEnvironment.Create(spec, new EngineOptions());
        using var bf16 = CpuFeatures.SupportsBf16 ? RunEnvironment.Create(spec with { Precision = PrecisionKind.Bf16 }, new EngineOptions()) : null;
        var indices = Enumerable.Range(0, fp32.Train.Count).ToArray();
        var fp32Trainer = new LocalTrainer(fp32);
        var bf16Trainer = bf16 is null ? null : new LocalTrainer(bf16);
        fp32Trainer.Train(indices, 2, 1, null, 0, CancellationToken.None);
        bf16Trainer?.Train(indices, 2, 1, null, 0, CancellationToken.None);
        // Each repetition measures the two steps and the two matmul peaks back to back, so that every ratio compares
        // things measured under the same load (the machine is shared); the medians of the per-repetition ratios count.
        var fp32Fraction = new List<double>();
        var bf16Fraction = new List<double>();
        var speedup = new List<double>();
        var fp32Peaks = new List<double>();
        var bf16Peaks = new List<double>();
        var fp32Rates = new List<double>();
        var bf16Rates = new List<double>();
        for (int r = 0; r < Repetitions; r++)
        {
            var a = fp32Trainer.Train(indices, Steps, 100 + r, null, 0, CancellationToken.None);
            double fp32Peak = MatmulPeakGflops(ScalarType.Float32, 2);
            double fp32Rate = a.Flops / a.Seconds / 1e9;
            fp32Fraction.Add(fp32Rate / fp32Peak);
            fp32Peaks.Add(fp32Peak);
            fp32Rates.Add(fp32Rate);
            if (bf16Trainer is not null)
            {
                var b = bf16Trainer.Train(indices, Steps, 100 + r, null, 0, CancellationToken.None);
                double bf16Peak = MatmulPeakGflops(ScalarType.BFloat16, 2);
                double bf16Rate = b.Flops / b.Seconds / 1e9;
                bf16Fraction.Add(bf16Rate / bf16Peak);
                bf16Peaks.Add(bf16Peak);
                bf16Rates.Add(bf16Rate);
                speedup.Add(a.Seconds / b.Seconds);
            }
        }
        output.WriteLine(Inv($"step shape: batch 16 x {tokens} tokens, LoRA r=8 on {string.Join(",", targets)}; fp32 step {Median(fp32Rates):F1} GFLOP/s, fp32 matmul peak {Median(fp32Peaks):F1} GFLOP/s (medians of {Repetitions})"));
        output.WriteLine(Inv($"fp32 step fraction of fp32 matmul peak = {Median(fp32Fraction):F3}"));
        if (bf16Trainer is null)
        {
            output.WriteLine("bf16 step speedup over fp32 = n/a (this CPU reports no bf16)");
            return;
        }
        output.WriteLine(Inv($"bf16 step {Median(bf16Rates):F1} GFLOP/s; bf16 matmul peak {Median(bf16Peaks):F1} GFLOP/s; bf16/fp32 peak ratio {Median(bf16Peaks) / Median(fp32Peaks):F2}"));
        output.WriteLine(Inv($"bf16 step fraction of bf16 matmul peak = {Median(bf16Fraction):F3}"));
        output.WriteLine(Inv($"bf16 step speedup over fp32 = {Median(speedup):F3}"));
    }

    /// <summary>One FedLLM round (training and aggregation, not evaluation) with N clients, batched vs sequential, interleaved.</summary>
    private static void BatchedLine(TextWriter output, int clients, int steps, int tokens)
    {
        var spec = Spec(clients, tokens, ["query", "value"]) with
        {
            Training = new TrainingSpec { Rounds = 1, LocalSteps = steps, BatchSize = 16, LearningRate = 0.002 },
            Dataset = new DatasetSpec { Name = "spam", MaxTokens = tokens, TestLimit = 16, ValidationFraction = 0 },
        };
        var (sequential, batched) = BatchedAgainstSequential(spec);
        output.WriteLine(Inv($"round of {clients} clients x {steps} steps x 16 x {tokens} tokens: sequential {sequential:F2} s, batched (groups of up to 10) {batched:F2} s"));
        output.WriteLine(Inv($"batched/sequential round time, {clients} clients = {batched / sequential:F3}"));
    }

    /// <summary>
    /// One FedLLM round with full fine-tuning of the tiny BERT (2 layers, hidden 32; its 30,522 x 32 word embeddings are
    /// most of its 1 M parameters), batched vs sequential, interleaved: every client keeps its own weights, gradients and
    /// AdamW moments, so no GEMM is shared and the gain is fewer, larger kernels.
    /// </summary>
    private static void FullBatchedLine(TextWriter output, int clients, int steps, int tokens)
    {
        var spec = Spec(clients, tokens, []) with
        {
            Model = "tiny",
            FineTune = new FineTuneSpec { Mode = FineTuneKind.Full },
            Training = new TrainingSpec { Rounds = 1, LocalSteps = steps, BatchSize = 16, LearningRate = 0.002 },
            Dataset = new DatasetSpec { Name = "spam", MaxTokens = tokens, TestLimit = 16, ValidationFraction = 0 },
        };
        var (sequential, batched) = BatchedAgainstSequential(spec);
        output.WriteLine(Inv($"round of {clients} clients x {steps} steps x 16 x {tokens} tokens, full fine-tuning of the tiny BERT: sequential {sequential:F2} s, batched (groups of up to 10) {batched:F2} s"));
        output.WriteLine(Inv($"batched/sequential round time, full fine-tuning, {clients} clients = {batched / sequential:F3}"));
    }

    /// <summary>The issue's MiniLM example: 5 clients x 10 steps x 16 x 128 tokens, LoRA on q/k/v/o, 500 test emails.</summary>
    private static void EvalShareLines(TextWriter output)
    {
        var spec = Spec(5, 128, ["query", "key", "value", "output"]) with
        {
            Training = new TrainingSpec { Rounds = 1, LocalSteps = 10, BatchSize = 16, LearningRate = 0.002 },
            Dataset = new DatasetSpec { Name = "spam", MaxTokens = 128, TestLimit = 500, ValidationFraction = 0 },
        };
        using var env = RunEnvironment.Create(spec, new EngineOptions());
        var trainer = new LocalTrainer(env);
        // Training of one round: 5 clients one after another (the sequential default).
        var clock = Stopwatch.StartNew();
        for (int c = 0; c < 5; c++)
        {
            var indices = env.Partition.ClientIndices[c];
            trainer.Train(indices, 10, SeedMix.Derive(1, 1, c), null, 0, CancellationToken.None);
        }
        double train = clock.Elapsed.TotalSeconds;

        // Evaluation on the 500 examples: in dataset order (before the length sort) and length-sorted (the engine's).
        var sorted = env.Test;
        var order = Enumerable.Range(0, sorted.Count).ToArray();
        new Random(3).Shuffle(order);
        var unsorted = new TokenizedSet(order.Select(i => sorted.Ids[i]).ToArray(), order.Select(i => sorted.Labels[i]).ToArray(), sorted.PadId);
        double Time(Action a)
        {
            var times = new List<double>();
            for (int r = 0; r < 2; r++)
            {
                var w = Stopwatch.StartNew();
                a();
                times.Add(w.Elapsed.TotalSeconds);
            }
            return times.Min();
        }
        double evalUnsorted = Time(() => Evaluator.Evaluate(env, unsorted, CancellationToken.None));
        double evalSorted = Time(() => Evaluator.Evaluate(env, sorted, CancellationToken.None));
        var subset = EvaluationState.StratifiedSubset(sorted, 100, 7, env.Dataset.NumClasses);
        double evalSubset = Time(() => Evaluator.Evaluate(env, subset, CancellationToken.None));
        double padded = unsorted.Ids.Chunk(spec.Training.EvalBatchSize).Sum(b => (double)b.Length * b.Max(x => x.Length));
        double paddedSorted = sorted.Ids.Chunk(spec.Training.EvalBatchSize).Sum(b => (double)b.Length * b.Max(x => x.Length));
        double real = sorted.Ids.Sum(x => (double)x.Length);
        output.WriteLine(Inv($"MiniLM example round: training {train:F1} s; evaluation of 500: unsorted {evalUnsorted:F2} s, length-sorted {evalSorted:F2} s, 100-example subset {evalSubset:F2} s"));
        output.WriteLine(Inv($"tokens evaluated incl. padding: unsorted {padded:F0}, sorted {paddedSorted:F0}, real {real:F0}"));
        output.WriteLine(Inv($"eval share of round time = {evalUnsorted / (train + evalUnsorted):F3}   (before: batches in dataset order, every round, 500 examples)"));
        output.WriteLine(Inv($"eval share of round time = {evalSorted / (train + evalSorted):F3}   (after: length-sorted batches, every round, 500 examples)"));
        output.WriteLine(Inv($"eval share of round time = {evalSorted / 2 / (train + evalSorted / 2):F3}   (after: evaluation.everyRounds = 2, per round on average)"));
        output.WriteLine(Inv($"eval share of round time = {evalSubset / (train + evalSubset):F3}   (after: evaluation.subset = 100 before the last round)"));

        // Head-only fine-tuning: the frozen backbone's outputs are reused from the first evaluation on.
        using var head = RunEnvironment.Create(spec with { FineTune = new FineTuneSpec { Mode = FineTuneKind.HeadOnly } }, new EngineOptions());
        var w0 = Stopwatch.StartNew();
        Evaluator.Evaluate(head, head.Test, CancellationToken.None);
        double first = w0.Elapsed.TotalSeconds;
        double reused = Time(() => Evaluator.Evaluate(head, head.Test, CancellationToken.None));
        output.WriteLine(Inv($"head-only evaluation of 500: first {first:F2} s, later rounds with the frozen prefix reused {reused:F3} s; speedup {first / reused:F1}x"));
    }

    /// <summary>Round 1 of <paramref name="spec"/> without and with batching (groups of up to 10), interleaved twice; the best of each, in seconds.</summary>
    internal static (double Sequential, double Batched) BatchedAgainstSequential(RunSpec spec)
    {
        var sequential = new List<double>();
        var batched = new List<double>();
        for (int r = 0; r < 2; r++)
        {
            sequential.Add(RoundSeconds(spec with { ClientBatching = new ClientBatchingSpec { Enabled = false } }));
            batched.Add(RoundSeconds(spec with { ClientBatching = new ClientBatchingSpec { Enabled = true, MaxClientsPerGroup = 10 } }));
        }
        return (sequential.Min(), batched.Min());
    }

    private static double RoundSeconds(RunSpec spec)
    {
        var result = new RunExecutor(new EngineOptions()).Execute(Guid.NewGuid(), spec, new NullSink(), CancellationToken.None);
        if (result.Status != RunStatus.Finished)
        {
            throw new InvalidOperationException(result.Error);
        }
        var round = result.Rounds.Single(r => r.Round == 1);
        return round.WallSeconds - round.EvalSeconds;
    }

    private static RunSpec Spec(int clients, int tokens, IReadOnlyList<string> targets) => new()
    {
        Name = "bench",
        Model = "minilm-l6",
        Dataset = new DatasetSpec { Name = "spam", MaxTokens = tokens },
        Partition = new PartitionSpec { Kind = PartitionMethod.Iid, Clients = clients },
        Framework = FedLlmFramework.Id,
        FineTune = new FineTuneSpec { Mode = FineTuneKind.Lora, Lora = new LoraSpec { Rank = 8, Alpha = 16, Targets = targets } },
        Training = new TrainingSpec { Rounds = 1, LocalSteps = 1, BatchSize = 16, LearningRate = 0.002 },
        Seed = 1,
    };

    /// <summary>The best of 5 x 5 large square matmuls in <paramref name="type"/>, in GFLOP/s.</summary>
    public static double MatmulPeakGflops(ScalarType type, int rounds = 5)
    {
        const int n = 2048;
        using var scope = NewDisposeScope();
        var a = randn(n, n).to_type(type);
        var b = randn(n, n).to_type(type);
        a.matmul(b).Dispose();
        var times = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 5; i++)
            {
                a.matmul(b).Dispose();
            }
            times.Add(clock.Elapsed.TotalSeconds / 5);
        }
        return 2.0 * n * n * n / times.Min() / 1e9;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed class NullSink : IRunEventSink
    {
        public void Publish(RunEvent runEvent)
        {
        }
    }
}
