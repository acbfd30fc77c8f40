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
        RunResult remote;
        var workers = LocalWorkers.StartAsync(dll, 2, new ClusterSettings { Enabled = true, CallTimeoutSeconds = 600 }, TimeSpan.FromMinutes(3)).GetAwaiter().GetResult();
        try
        {
            remote = new RunExecutor(new EngineOptions { ClientRunner = new OrleansClientRunner(workers.Connection) }).Execute(Guid.NewGuid(), spec, new NullSink(), CancellationToken.None);
        }
        finally
        {
            workers.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        if (local.Status != RunStatus.Finished || remote.Status != RunStatus.Finished)
        {
            output.WriteLine($"a run did not finish: in-process {local.Status} {local.Error}; cluster {remote.Status} {remote.Error}");
            return;
        }
        double Median(IEnumerable<double> xs)
        {
            var s = xs.Order().ToList();
            return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
        }
        double RoundSeconds(RunResult r) => Median(r.Rounds.Where(x => x.Round >= 2).Select(x => x.WallSeconds - x.EvalSeconds));
        double a = RoundSeconds(local), b = RoundSeconds(remote);
        output.WriteLine(Inv($"wall time per round (rounds 2-3, median, without evaluation): in-process {a:0.00} s, two local workers {b:0.00} s"));
        output.WriteLine(Inv($"cluster/in-process round time = {b / a:0.000}"));
        var trained = remote.Rounds.Where(x => x.Round >= 1).ToList();
        long counted = trained.Sum(x => x.BytesUp + x.BytesDown);
        double payload = trained.Sum(x => x.Extra?.GetValueOrDefault(OrleansSessionNames.PayloadBytes) ?? double.NaN);
        double message = trained.Sum(x => x.Extra?.GetValueOrDefault(OrleansSessionNames.MessageBytes) ?? double.NaN);
        output.WriteLine(Inv($"bytes counted by the engine: {counted:N0}; payload bytes on the wire: {payload:N0} (ratio {payload / counted:0.000000}); Orleans messages: {message:N0} (ratio {message / counted:0.000000})"));
        bool same = local.Rounds.Zip(remote.Rounds).All(p => p.First.Global.Accuracy == p.Second.Global.Accuracy && p.First.Global.Loss == p.Second.Global.Loss && p.First.BytesUp == p.Second.BytesUp)
            && local.ClientRounds.Zip(remote.ClientRounds).All(p => p.First.TrainLoss == p.Second.TrainLoss);
        output.WriteLine($"metrics identical in-process and on the workers: {same}");
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
