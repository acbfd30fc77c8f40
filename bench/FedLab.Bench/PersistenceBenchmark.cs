using System.Diagnostics;
using System.Globalization;
using FedLab.Data;
using FedLab.Data.Recording;
using FedLab.Engine.Runs;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FedLab.Bench;

/// <summary>
/// Issue #5's persistence figures, on a fresh SQLite file (WAL) in the temp folder:
/// 1. ingest rate of client-round rows through <see cref="RunRecorder"/> itself (the path the engine's events
///    take: buffered ClientRoundFinished, then the round, its client rows and the run's progress in ONE
///    transaction per round, committed durably), for rounds of 1000 and of 100 clients;
/// 2. latency of the comparison query (<see cref="RunStore.GetSeriesAsync"/>) for 20 runs x 1000 rounds, and of
///    <see cref="RunStore.GetSummariesAsync(IReadOnlyCollection{Guid}, CancellationToken)"/>, median of repetitions.
/// The 20 x 1000 rounds are loaded through the same writer (RoundWriter) in one transaction per run.
/// </summary>
internal static class PersistenceBenchmark
{
    private const int QueryRepetitions = 15;

    public static void Run(TextWriter output)
    {
        var folder = Path.Combine(Path.GetTempPath(), "fedlab-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            using var services = new ServiceCollection()
                .AddFedLabData(Path.Combine(folder, "fedlab.db"), Path.Combine(folder, "checkpoints"))
                .BuildServiceProvider();
            var contexts = services.GetRequiredService<IDbContextFactory<FedLabDbContext>>();
            DatabaseInitializer.MigrateAsync(contexts, CancellationToken.None).GetAwaiter().GetResult();
            var store = services.GetRequiredService<RunStore>();
            var recorders = services.GetRequiredService<RunRecorderFactory>();
            output.WriteLine($"database {folder}/fedlab.db: journal {Pragma(contexts, "journal_mode")}, synchronous {Pragma(contexts, "synchronous")} (2 = FULL: every commit is fsynced)");

            Ingest(output, store, recorders, clients: 1000, rounds: 50);
            Ingest(output, store, recorders, clients: 100, rounds: 200);
            Compare(output, store, contexts, runs: 20, rounds: 1000, clients: 10);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private const int IngestRepetitions = 3;

    private static void Ingest(TextWriter output, RunStore store, RunRecorderFactory recorders, int clients, int rounds)
    {
        var rates = new List<double>();
        var cpuRates = new List<double>();
        for (int repetition = 0; repetition < IngestRepetitions; repetition++)
        {
            var (wall, cpu) = IngestOnce(store, recorders, clients, rounds);
            rates.Add(clients * rounds / wall);
            cpuRates.Add(clients * rounds / cpu);
        }
        output.WriteLine(Inv($"ingest, {clients} clients per round: {clients * rounds:N0} client-round rows in {rounds} transactions (one per round, through RunRecorder.Publish), {IngestRepetitions} repetitions: median {Median(rates):N0} rows/s, best {rates.Max():N0} rows/s ({clients / Median(rates) * 1000:F2} ms per round); per CPU-second of this process {Median(cpuRates):N0} rows (target >= 50,000 rows/s)"));
    }

    /// <summary>Wall seconds and this process's CPU seconds for one run's rounds.</summary>
    private static (double Wall, double Cpu) IngestOnce(RunStore store, RunRecorderFactory recorders, int clients, int rounds)
    {
        var spec = Spec(clients, rounds);
        var runId = store.CreateRunAsync(spec, null, CancellationToken.None).GetAwaiter().GetResult();
        var recorder = recorders.Create(runId);
        recorder.Publish(new RunStarted(runId, DateTimeOffset.UtcNow, spec, Info(clients), 0));
        var clientEvents = Enumerable.Range(1, rounds)
            .Select(r => Enumerable.Range(0, clients).Select(c => new ClientRoundFinished(runId, DateTimeOffset.UtcNow, Client(r, c))).ToArray())
            .ToArray();
        var roundEvents = Enumerable.Range(1, rounds).Select(r => new RoundFinished(runId, DateTimeOffset.UtcNow, Round(r, clientEvents[r - 1]), rounds, null)).ToArray();

        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (int r = 0; r < rounds; r++)
        {
            foreach (var e in clientEvents[r])
            {
                recorder.Publish(e);
            }
            recorder.Publish(roundEvents[r]);
        }
        clock.Stop();
        self.Refresh();
        var cpuSeconds = (self.TotalProcessorTime - cpu).TotalSeconds;
        if (recorder.FailedWrites > 0)
        {
            throw new InvalidOperationException($"the recorder failed {recorder.FailedWrites} writes: {recorder.LastError}");
        }
        return (clock.Elapsed.TotalSeconds, cpuSeconds);
    }

    private static void Compare(TextWriter output, RunStore store, IDbContextFactory<FedLabDbContext> contexts, int runs, int rounds, int clients)
    {
        var ids = new List<Guid>();
        var load = Stopwatch.StartNew();
        for (int i = 0; i < runs; i++)
        {
            var spec = Spec(clients, rounds) with { Name = $"compare {i}", Seed = i };
            var id = store.CreateRunAsync(spec, null, CancellationToken.None).GetAwaiter().GetResult();
            ids.Add(id);
            using var db = contexts.CreateDbContext();
            long key = db.Runs.Where(r => r.Id == id).Select(r => r.Key).Single();
            db.Database.OpenConnection();
            var connection = (SqliteConnection)db.Database.GetDbConnection();
            using var tx = connection.BeginTransaction();
            for (int r = 0; r <= rounds; r++)
            {
                var cs = r == 0 ? [] : Enumerable.Range(0, clients).Select(c => Client(r, c)).ToArray();
                RoundWriter.Write(connection, tx, key, Round(r, cs.Select(c => new ClientRoundFinished(id, default, c)).ToArray()), cs, rounds, null, DateTime.UtcNow);
            }
            tx.Commit();
        }
        output.WriteLine(Inv($"comparison data: {runs} runs x {rounds} rounds (+ round 0) x {clients} clients loaded in {load.Elapsed.TotalSeconds:F1} s"));

        var series = Time(() => store.GetSeriesAsync(ids, CancellationToken.None).GetAwaiter().GetResult(), out var result);
        if (result.Count != runs || result.Any(s => s.Count != rounds + 1))
        {
            throw new InvalidOperationException("the comparison query returned the wrong shape");
        }
        output.WriteLine(Inv($"comparison query GetSeriesAsync, {runs} runs x {rounds + 1} rounds ({runs * (rounds + 1):N0} rows, one statement): median {Median(series):F1} ms, min {series.Min():F1} ms, max {series.Max():F1} ms over {QueryRepetitions} repetitions after a warm-up (target < 200 ms)"));
        output.WriteLine(Inv($"load average while measuring: {LoadAverage()} on {Environment.ProcessorCount} cores (the machine is shared; figures scale with it)"));
        var summaries = Time(() => store.GetSummariesAsync(ids, CancellationToken.None).GetAwaiter().GetResult(), out _);
        output.WriteLine(Inv($"GetSummariesAsync, same runs: median {Median(summaries):F1} ms, min {summaries.Min():F1} ms, max {summaries.Max():F1} ms"));
    }

    private static List<double> Time<T>(Func<T> query, out T last)
    {
        last = query(); // warm-up: EF compiles the query, SQLite fills its page cache
        var times = new List<double>();
        for (int i = 0; i < QueryRepetitions; i++)
        {
            var clock = Stopwatch.StartNew();
            last = query();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return times;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Pragma(IDbContextFactory<FedLabDbContext> contexts, string name)
    {
        using var db = contexts.CreateDbContext();
        db.Database.OpenConnection();
        using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA " + name; // a fixed name from this file, never user input
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "?";
    }

    private static RunSpec Spec(int clients, int rounds) => new()
    {
        Name = $"bench {clients} clients",
        Model = "tiny",
        Dataset = new DatasetSpec { Name = "spam" },
        Partition = new PartitionSpec { Kind = PartitionMethod.Dirichlet, Clients = clients, Alpha = 0.5 },
        Framework = FedLlmFramework.Id,
        Training = new TrainingSpec { Rounds = rounds, LocalSteps = 10 },
        Seed = 1,
        Device = "cpu",
    };

    private static RunInfo Info(int clients) => new("cpu", "bench", 22_700_000, 74_498, 297_992, 4120, 1178, 0, ["ham", "spam"],
        Enumerable.Range(0, clients).Select(c => new[] { 3 + c % 5, 2 + c % 3 }).ToList(), "bench");

    private static ClientRoundMetrics Client(int round, int client)
    {
        var up = new Dictionary<PayloadKind, long> { [PayloadKind.Parameters] = 301_234 };
        var down = new Dictionary<PayloadKind, long> { [PayloadKind.Parameters] = 301_234 };
        return new ClientRoundMetrics(round, client, 40 + client % 17, 10, 0.7 / (1 + round * 0.01 + client * 0.001), 301_234, 301_234, down, up, 4.5e11, 2.1);
    }

    private static RoundMetrics Round(int round, IReadOnlyList<ClientRoundFinished> clients)
    {
        long up = clients.Sum(c => c.Metrics.BytesUp);
        var byKind = new Dictionary<PayloadKind, long> { [PayloadKind.Parameters] = up };
        double acc = 0.5 + 0.45 * (1 - Math.Exp(-round / 50.0));
        return new RoundMetrics(round, new EvalMetrics(acc, acc - 0.02, 0.7 - 0.5 * acc, 1178), clients.Count, up, up, byKind, byKind,
            clients.Sum(c => c.Metrics.Flops), clients.Sum(c => c.Metrics.Seconds), 0.3, 1.2, 25.0, round == 0 ? null : 0.4);
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
