using System.Globalization;
using FedLab.Cluster;
using FedLab.Engine.Federation;
using FedLab.Engine.Runs;

namespace FedLab.Bench;

/// <summary>
/// Issue 17: a MiniLM FedLLM run with 5 clients (LoRA, 10 local steps) in-process and with its clients on two local
/// worker processes (the built FedLab.Worker, started with dotnet), measured one after the other in this process.
/// Prints the wall time per round (round 1 excluded: the workers build their environments at their first call;
/// evaluation excluded: it is the coordinator's in both) and their ratio, the bytes the engine counted against the
/// bytes that crossed the wire (payloads, and whole Orleans-serialised messages), and whether the metrics are identical.
/// </summary>
internal static class ClusterBenchmark
{
    public static void Run(TextWriter output)
    {
        var spec = new RunSpec
        {
            Name = "cluster benchmark: MiniLM FedLLM, 5 clients",
            Model = "minilm-l6",
            Dataset = new DatasetSpec { Name = "spam", MaxTokens = 64, TestLimit = 100, ValidationFraction = 0 },
            Partition = new PartitionSpec { Kind = PartitionMethod.Dirichlet, Clients = 5, Alpha = 0.5 },
            Framework = "fedllm",
            FineTune = new FineTuneSpec { Mode = FineTuneKind.Lora, Lora = new LoraSpec { Rank = 8, Alpha = 16, Dropout = 0.05, Targets = ["query", "value"] } },
            Training = new TrainingSpec { Rounds = 3, ClientFraction = 1.0, LocalSteps = 10, BatchSize = 16, LearningRate = 0.002 },
            Seed = 42,
        };
        var local = new RunExecutor(new EngineOptions()).Execute(Guid.NewGuid(), spec, new NullSink(), CancellationToken.None);

        string root = FindRoot();
        string configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        string dll = File.Exists(LocalWorkersPath(root, configuration)) ? LocalWorkersPath(root, configuration) : LocalWorkers.WorkerDll(root, "Debug");
        // On one machine the workers share its cores: each gets cores / workers libtorch threads (as a deployment of
        // several workers per machine would set --threads), and, for comparison, the default of one thread per core
        // in every worker (oversubscribed: 2 workers x all cores).
        int threads = Math.Max(1, Environment.ProcessorCount / 2);
        var shared = OnWorkers(dll, spec, 2, ["--threads", threads.ToString(CultureInfo.InvariantCulture)]);
        var oversubscribed = OnWorkers(dll, spec, 2, []);
        // The cluster path's own cost, with no load balance in it: one worker with all the cores runs the clients one
        // after another as in-process does; the difference is calls, serialisation and the worker's process.
        var single = OnWorkers(dll, spec, 1, []);
        if (local.Status != RunStatus.Finished || shared.Status != RunStatus.Finished || oversubscribed.Status != RunStatus.Finished || single.Status != RunStatus.Finished)
        {
            output.WriteLine($"a run did not finish: in-process {local.Status} {local.Error}; cluster {shared.Status} {shared.Error}; oversubscribed {oversubscribed.Status} {oversubscribed.Error}; one worker {single.Status} {single.Error}");
            return;
        }
        var remote = shared;
        double Median(IEnumerable<double> xs)
        {
            var s = xs.Order().ToList();
            return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
        }
        double RoundSeconds(RunResult r) => Median(r.Rounds.Where(x => x.Round >= 2).Select(x => x.WallSeconds - x.EvalSeconds));
        double a = RoundSeconds(local), b = RoundSeconds(remote);
        double c = RoundSeconds(oversubscribed), d = RoundSeconds(single);
        output.WriteLine(Inv($"wall time per round (rounds 2-3, median, without evaluation): in-process {a:0.00} s ({Environment.ProcessorCount} threads), two local workers {b:0.00} s ({threads} thread(s) each)"));
        output.WriteLine(Inv($"cluster/in-process round time = {b / a:0.000}"));
        // 5 clients on 2 single-thread workers: one worker runs 3 clients while in-process runs 5 at 2 threads, so even with
        // no overhead and perfect 2-thread scaling the ratio is ceil(5/2) / (5/2).
        double bound = Math.Ceiling(5 / 2.0) / (5 / 2.0);
        output.WriteLine(Inv($"load-balance bound for 5 clients on 2 workers of {threads} thread(s) (no overhead, perfect scaling) = {bound:0.000}"));
        output.WriteLine(Inv($"cluster/in-process round time over the load-balance bound = {b / a / bound:0.000}"));
        output.WriteLine(Inv($"one local worker with {Environment.ProcessorCount} threads (the cluster path alone, clients one after another as in-process): {d:0.00} s per round, ratio {d / a:0.000}"));
        output.WriteLine(Inv($"two local workers with {Environment.ProcessorCount} threads each (oversubscribed): {c:0.00} s per round, ratio {c / a:0.000}"));
        var trained = remote.Rounds.Where(x => x.Round >= 1).ToList();
        long counted = trained.Sum(x => x.BytesUp + x.BytesDown);
        double payload = trained.Sum(x => x.Extra?.GetValueOrDefault(OrleansSessionNames.PayloadBytes) ?? double.NaN);
        double message = trained.Sum(x => x.Extra?.GetValueOrDefault(OrleansSessionNames.MessageBytes) ?? double.NaN);
        output.WriteLine(Inv($"bytes counted by the engine: {counted:N0}; payload bytes on the wire: {payload:N0} (ratio {payload / counted:0.000000}); Orleans messages: {message:N0} (ratio {message / counted:0.000000})"));
        bool Same(RunResult r) => local.Rounds.Zip(r.Rounds).All(p => p.First.Global.Accuracy == p.Second.Global.Accuracy && p.First.Global.Loss == p.Second.Global.Loss && p.First.BytesUp == p.Second.BytesUp)
            && local.ClientRounds.Zip(r.ClientRounds).All(p => p.First.TrainLoss == p.Second.TrainLoss);
        output.WriteLine($"metrics identical in-process and on the workers: {Same(remote)} ({threads} thread(s) each), {Same(oversubscribed)} ({Environment.ProcessorCount} threads each), {Same(single)} (one worker)");
    }

    private static RunResult OnWorkers(string dll, RunSpec spec, int count, string[] extra)
    {
        var workers = LocalWorkers.StartAsync(dll, count, new ClusterSettings { Enabled = true, CallTimeoutSeconds = 600 }, TimeSpan.FromMinutes(3), extra).GetAwaiter().GetResult();
        try
        {
            return new RunExecutor(new EngineOptions { ClientRunner = new OrleansClientRunner(workers.Connection) }).Execute(Guid.NewGuid(), spec, new NullSink(), CancellationToken.None);
        }
        finally
        {
            workers.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static string LocalWorkersPath(string root, string configuration) => Path.Combine(root, "src", "FedLab.Worker", "bin", configuration, "net10.0", "FedLab.Worker.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FedLab.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("FedLab.sln not found above " + AppContext.BaseDirectory);
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed class NullSink : IRunEventSink
    {
        public void Publish(RunEvent runEvent)
        {
        }
    }
}
