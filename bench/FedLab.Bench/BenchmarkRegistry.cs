namespace FedLab.Bench;

/// <summary>A named benchmark that prints its own measured figures and ratios.</summary>
internal sealed record Benchmark(string Name, string Description, Action<TextWriter> Run);

/// <summary>Every benchmark the harness knows; add one line per benchmark.</summary>
internal static class BenchmarkRegistry
{
    public static IReadOnlyList<Benchmark> All { get; } =
    [
        new("engine", "local training throughput vs a bare TorchSharp loop, GFLOP/s vs matmul peak, memory for 10 vs 100 clients", EngineBenchmark.Run),
        new("perf", "issue 16: fp32/bf16 step vs matmul peak, batched/sequential round time for 5/20/50 clients, eval share of round time", PerformanceBenchmark.Run),
        new("perf-full", "issue 16: batched/sequential round time of full fine-tuning on the tiny test model, 5 and 20 clients (part of perf)", PerformanceBenchmark.FullFineTuningLines),
        new("perf-split", "issue 16: batched/sequential SplitFed round time (client half batched), MiniLM 5 and 20 clients, tiny 20", SplitBatchingBenchmark.Run),
        new("perf-kd", "issue 16: batched/sequential round time of KD-FedLLM's client work on the tiny test model, 5 and 20 clients", KdBatchingBenchmark.Run),
        new("persistence", "client-round rows ingested per second through the recorder, comparison query latency for 20 runs x 1000 rounds", PersistenceBenchmark.Run),
        new("split", "per-batch time of a split training step (real serialisation) vs the unsplit step on the same batch, per cut", SplitBenchmark.Run),
        new("cluster", "issue 17: MiniLM FedLLM round with 5 clients in-process vs on two local workers (ratio), bytes on the wire vs bytes counted", ClusterBenchmark.Run),
        new("dashboard", "live latency from a round's end to its point in the browser; run page first render for 1,000 rounds x 100 clients", DashboardBenchmark.Run),
    ];
}
