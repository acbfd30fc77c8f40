using System.Diagnostics;
using System.Globalization;
using FedLab.Engine.Federation;
using FedLab.Engine.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Bench;

/// <summary>
/// Issue #3's engine figures, all measured in one process run:
/// 1. local training throughput of the engine's LocalTrainer against a bare TorchSharp loop over the same
///    model, batches and optimizer (interleaved repetitions, median of each), as a ratio;
/// 2. achieved GFLOP/s of a training step (FlopModel FLOPs / measured time) against a large float32 matmul
///    through the same libtorch, as a fraction of that peak;
/// 3. peak resident memory of a FedLLM LoRA round with 10 vs 100 simulated clients (each in a fresh child
///    process), against 100 x the adapter state size.
/// </summary>
internal static class EngineBenchmark
{
    private const int Steps = 6;
    private const int Repetitions = 3;

    public static void Run(TextWriter output)
    {
        var spec = BaseSpec(clients: 1, rounds: 1);
        using var env = RunEnvironment.Create(spec, new EngineOptions());
        var trainer = new LocalTrainer(env);
        var indices = Enumerable.Range(0, env.Train.Count).ToArray();
        output.WriteLine(Inv($"model {env.ModelInfo.Id}, LoRA r=8 on q,v; batch {spec.Training.BatchSize}, max {spec.Dataset.MaxTokens} tokens, {Steps} steps x {Repetitions} repetitions, {get_num_threads()} threads"));

        // Warm-up both paths (first-call allocations, kernel selection).
        trainer.Train(indices, 2, 1, null, 0, CancellationToken.None);
        BareLoop(env, indices, 2, 1);

        var engineTimes = new List<double>();
        var bareTimes = new List<double>();
        double engineFlops = 0;
        int examples = 0;
        for (int r = 0; r < Repetitions; r++)
        {
            var result = trainer.Train(indices, Steps, 100 + r, null, 0, CancellationToken.None);
            engineTimes.Add(result.Seconds);
            engineFlops = result.Flops;
            examples = result.Examples;
            bareTimes.Add(BareLoop(env, indices, Steps, 100 + r));
        }
        double engine = Median(engineTimes), bare = Median(bareTimes);
        output.WriteLine(Inv($"engine LocalTrainer : {examples / engine,8:F1} examples/s (median {engine:F3} s)"));
        output.WriteLine(Inv($"bare TorchSharp loop: {examples / bare,8:F1} examples/s (median {bare:F3} s)"));
        output.WriteLine(Inv($"throughput ratio engine/bare = {bare / engine:F3}   (target >= 0.95)"));

        double peak = MatmulPeakGflops();
        double achieved = engineFlops / engine / 1e9;
        output.WriteLine(Inv($"training step: {achieved:F1} GFLOP/s (FlopModel count); float32 matmul peak {peak:F1} GFLOP/s"));
        output.WriteLine(Inv($"fraction of matmul peak = {achieved / peak:F3}"));

        long adapterBytes = env.Trainable.Where(p => p.Name.Contains(".lora_", StringComparison.Ordinal)).Sum(p => p.Parameter.numel()) * sizeof(float);
        long stateBytes = env.Trainable.Sum(p => p.Parameter.numel()) * sizeof(float);
        long peak10 = ChildPeakRss(10), peak100 = ChildPeakRss(100);
        long growth = peak100 - peak10;
        output.WriteLine(Inv($"peak RSS, one FedLLM LoRA round: 10 clients {peak10 / 1e6:F1} MB, 100 clients {peak100 / 1e6:F1} MB, growth {growth / 1e6:F2} MB"));
        output.WriteLine(Inv($"adapter state {adapterBytes / 1e3:F1} kB (adapters + head {stateBytes / 1e3:F1} kB); bound 100 x adapter state + 10% = {100 * adapterBytes * 1.1 / 1e6:F2} MB"));
        output.WriteLine(Inv($"growth / (100 x adapter state) = {(double)growth / (100.0 * adapterBytes):F3}   (target <= 1.10)"));

        // Issue 16's lines (precision, batched clients, evaluation share), in the same run.
        PerformanceBenchmark.Run(output);
    }

    /// <summary>Entry point of the child process: one FedLLM round with N clients, then print peak RSS.</summary>
    public static int MemoryChild(int clients)
    {
        var spec = BaseSpec(clients, rounds: 1) with { Dataset = new DatasetSpec { Name = "spam", MaxTokens = 64, TestLimit = 64 } };
        var result = new RunExecutor(new EngineOptions()).Execute(Guid.NewGuid(), spec, new NullSink(), CancellationToken.None);
        if (result.Status != RunStatus.Finished)
        {
            Console.Error.WriteLine(result.Error);
            return 1;
        }
        Console.WriteLine("VmHWM " + PeakRssBytes().ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    private static RunSpec BaseSpec(int clients, int rounds) => new()
    {
        Name = "bench",
        Model = "minilm-l6",
        Dataset = new DatasetSpec { Name = "spam", MaxTokens = 64 },
        Partition = new PartitionSpec { Kind = PartitionMethod.Iid, Clients = clients },
        Framework = FedLlmFramework.Id,
        FineTune = new FineTuneSpec { Mode = FineTuneKind.Lora, Lora = new LoraSpec { Rank = 8, Alpha = 16, Targets = ["query", "value"] } },
        Training = new TrainingSpec { Rounds = rounds, LocalSteps = 1, BatchSize = 16, LearningRate = 0.002 },
        Seed = 1,
    };

    /// <summary>
    /// The reference: the same model object, the same batches (same shuffling seed, same padding) and the same
    /// AdamW, in the plainest loop TorchSharp allows.
    /// </summary>
    private static double BareLoop(RunEnvironment env, int[] indices, int steps, long seed)
    {
        var t = env.Spec.Training;
        random.manual_seed(seed);
        var order = indices.ToArray();
        new Random(unchecked((int)seed)).Shuffle(order);
        var parameters = env.Trainable.Select(p => p.Parameter).ToList();
        using var optimizer = optim.AdamW(parameters, t.LearningRate, weight_decay: t.WeightDecay);
        env.Model.train();
        var clock = Stopwatch.StartNew();
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var batch = env.Train.MakeBatch(order.AsSpan(step * t.BatchSize, t.BatchSize), env.Device);
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(env.Model.forward(batch.InputIds, batch.AttentionMask), batch.Labels);
            loss.item<float>();
            loss.backward();
            optimizer.step();
        }
        return clock.Elapsed.TotalSeconds;
    }

    private static double MatmulPeakGflops()
    {
        const int n = 2048;
        using var scope = NewDisposeScope();
        var a = randn(n, n);
        var b = randn(n, n);
        for (int i = 0; i < 3; i++)
        {
            a.matmul(b).Dispose();
        }
        var times = new List<double>();
        for (int r = 0; r < 5; r++)
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

    private static long ChildPeakRss(int clients)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(EngineBenchmark).Assembly.Location);
        }
        start.ArgumentList.Add("engine-memory-child");
        start.ArgumentList.Add(clients.ToString(CultureInfo.InvariantCulture));
        using var child = Process.Start(start)!;
        var stdout = child.StandardOutput.ReadToEnd();
        var stderr = child.StandardError.ReadToEnd();
        child.WaitForExit();
        var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("VmHWM ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"memory child failed: {stderr}");
        return long.Parse(line["VmHWM ".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    private static long PeakRssBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed class NullSink : IRunEventSink
    {
        public void Publish(RunEvent runEvent)
        {
        }
    }
}
