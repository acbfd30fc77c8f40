using System.Diagnostics;
using System.Text.Json;
using FedLab.Engine.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using static FedLab.Data.Tests.SyntheticEvents;

namespace FedLab.Data.Tests.Queries;

public sealed class RunStoreTests
{
    [Fact]
    public async Task Migrate_CreatesTheDatabaseInWalMode_WithNoPendingModelChanges_AndIsIdempotent()
    {
        using var db = await TestDatabase.CreateAsync();
        await DatabaseInitializer.MigrateAsync(db.Contexts, default);
        using var connection = db.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        await using var context = await db.Contexts.CreateDbContextAsync();
        Assert.Empty(await context.Database.GetPendingMigrationsAsync());
        Assert.False(context.Database.HasPendingModelChanges(), "the model changed without a migration (see FedLabDbContext)");
    }

    [Fact]
    public async Task CreateRun_StoresTheSpecAsJson_QueuedAndOwnedByThisProcess()
    {
        using var db = await TestDatabase.CreateAsync();
        var experiment = await db.Store.CreateExperimentAsync("three frameworks", "same base spec", default);
        var spec = TinySpecs.FedLlm(clients: 4, rounds: 7, seed: 9) with { Name = "a run" };
        var runId = await db.Store.CreateRunAsync(spec, experiment, default);

        Assert.Equal(RunSpecJson.Serialize(spec), RunSpecJson.Serialize(await db.Store.GetSpecAsync(runId, default)));
        var row = (await db.Store.GetRunSummaryAsync(runId, default))!;
        Assert.Equal(RunStatus.Queued, row.Status);
        Assert.Equal(("a run", "fedllm", "tiny", "spam", "dirichlet", 4, 1.0, 9, 7), (row.Name, row.Framework, row.Model, row.Dataset, row.PartitionKind, row.Clients, row.Alpha, row.Seed, row.TotalRounds));
        Assert.Equal("three frameworks", row.ExperimentName);
        Assert.Null(await db.Store.GetCheckpointPathAsync(runId, default));
        Assert.Equal(1, (await db.Store.ListExperimentsAsync(default)).Single().RunCount);
        Assert.Equal(Environment.ProcessId, db.Scalar("SELECT OwnerPid FROM Runs"));
    }

    [Fact]
    public async Task BadInput_GetsAClearError_AndCreatesNothing()
    {
        using var db = await TestDatabase.CreateAsync();
        var bad = TinySpecs.FedLlm() with { Partition = new PartitionSpec { Kind = PartitionMethod.Iid, Clients = 0 } };
        var ex = await Assert.ThrowsAsync<RunSpecException>(() => db.Store.CreateRunAsync(bad, null, default));
        Assert.Contains(ex.Errors, e => e.Field == "partition.clients");
        var missing = await Assert.ThrowsAsync<ArgumentException>(() => db.Store.CreateRunAsync(TinySpecs.FedLlm(), Guid.NewGuid(), default));
        Assert.Contains("experiment", missing.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => db.Store.CreateExperimentAsync(" ", null, default));
        Assert.Equal(0, db.Scalar("SELECT COUNT(*) FROM Runs"));

        await Assert.ThrowsAsync<KeyNotFoundException>(() => db.Store.GetSpecAsync(Guid.NewGuid(), default));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => db.Store.ExportCsvAsync([Guid.NewGuid()], Stream.Null, default));
        await Assert.ThrowsAsync<ArgumentException>(() => db.Store.ListRunsAsync(new RunListQuery { Page = 0 }, default));
        await Assert.ThrowsAsync<ArgumentException>(() => db.Store.ListRunsAsync(new RunListQuery { PageSize = 100_000 }, default));
        Assert.Null(await db.Store.GetRunAsync(Guid.NewGuid(), default));
        Assert.False(await db.Store.DeleteRunAsync(Guid.NewGuid(), default));
    }

    [Fact]
    public async Task ListRuns_PagesFiltersAndSorts()
    {
        using var db = await TestDatabase.CreateAsync();
        var ids = new List<Guid>();
        for (int i = 0; i < 7; i++)
        {
            var spec = TinySpecs.FedLlm(clients: 2, rounds: 1) with
            {
                Name = i == 3 ? "lora 50%_off" : $"run {i}",
                Framework = i % 2 == 0 ? FedLlmFramework.Id : CentralizedFramework.Id,
            };
            var id = await db.Store.CreateRunAsync(spec, null, default);
            var recorder = db.Recorders.Create(id);
            recorder.Publish(Started(id, spec));
            PublishRound(recorder, id, 0, 0.1 * i, 2, 1);
            PublishRound(recorder, id, 1, 0.1 * i, 2, 1); // round 0 is never a run's best
            if (i < 5)
            {
                recorder.Publish(new RunFinished(id, T0, 0.1 * i, 0.1 * i, 1));
            }
            ids.Add(id);
        }

        var page1 = await db.Store.ListRunsAsync(new RunListQuery { PageSize = 3 }, default);
        var page3 = await db.Store.ListRunsAsync(new RunListQuery { PageSize = 3, Page = 3 }, default);
        Assert.Equal(7, page1.Total);
        Assert.Equal(3, page1.PageCount);
        Assert.Equal([ids[6], ids[5], ids[4]], page1.Items.Select(r => r.Id)); // newest first
        Assert.Equal([ids[0]], page3.Items.Select(r => r.Id));

        var centralized = await db.Store.ListRunsAsync(new RunListQuery { Framework = "centralized", SortBy = RunSortColumn.BestAccuracy, Descending = false }, default);
        Assert.Equal([ids[1], ids[3], ids[5]], centralized.Items.Select(r => r.Id));
        var running = await db.Store.ListRunsAsync(new RunListQuery { Status = RunStatus.Running }, default);
        Assert.Equal([ids[6], ids[5]], running.Items.Select(r => r.Id));
        // % and _ in the text are literal characters, not wildcards; matching ignores ASCII case.
        var text = await db.Store.ListRunsAsync(new RunListQuery { Text = "50%_OFF" }, default);
        Assert.Equal([ids[3]], text.Items.Select(r => r.Id));
        Assert.Equal(0, (await db.Store.ListRunsAsync(new RunListQuery { Text = "run_" }, default)).Total);
        var byAcc = await db.Store.ListRunsAsync(new RunListQuery { SortBy = RunSortColumn.FinalAccuracy }, default);
        Assert.Equal(ids.AsEnumerable().Reverse(), byAcc.Items.Select(r => r.Id));
        foreach (var column in Enum.GetValues<RunSortColumn>())
        {
            Assert.Equal(7, (await db.Store.ListRunsAsync(new RunListQuery { SortBy = column, Descending = column.GetHashCode() % 2 == 0 }, default)).Items.Count);
        }
        var options = await db.Store.GetFilterOptionsAsync(default);
        Assert.Equal(["centralized", "fedllm"], options.Frameworks);
    }

    [Fact]
    public async Task SeriesAndSummaries_ComeBackInOneStatement_InTheOrderAsked()
    {
        using var db = await TestDatabase.CreateAsync();
        var counter = new CommandCounter();
        var contexts = new PooledDbContextFactory<FedLabDbContext>(new DbContextOptionsBuilder<FedLabDbContext>()
            .UseSqlite($"Data Source={db.DatabasePath}").AddInterceptors(counter).Options);
        var store = new RunStore(contexts, new FedLabDataOptions(db.DatabasePath, db.CheckpointDirectory));

        var a = await RecordAsync(db, [0.5, 0.6, 0.8, 0.7], clients: 2);
        var b = await RecordAsync(db, [0.4, 0.9], clients: 3);
        var empty = await db.Store.CreateRunAsync(TinySpecs.FedLlm(), null, default);

        counter.Count = 0;
        var series = await store.GetSeriesAsync([b, Guid.NewGuid(), a, empty], default);
        Assert.Equal(1, counter.Count);
        Assert.Equal([b, a, empty], series.Select(s => s.RunId));
        var sa = series[1];
        Assert.Equal([0, 1, 2, 3], sa.Rounds);
        Assert.Equal([0.5, 0.6, 0.8, 0.7], sa.Accuracy);
        // Round r has 2 clients each sending 1000 bytes and receiving 2000.
        Assert.Equal([0, 0.002, 0.004, 0.006], sa.CumulativeMbUp.Select(v => Math.Round(v, 9)));
        Assert.Equal([0, 0.004, 0.008, 0.012], sa.CumulativeMbDown.Select(v => Math.Round(v, 9)));
        Assert.Equal([PayloadKind.Parameters, PayloadKind.Labels], sa.CumulativeMbUpByKind.Keys); // display order
        Assert.Equal(0.00006, sa.CumulativeMbUpByKind[PayloadKind.Labels][^1], 12);
        Assert.Equal(3e-3 * 3, sa.CumulativeClientTflops[^1], 12);
        Assert.Empty(series[2].Rounds);
        Assert.Equal(new CostToTarget(2, 0.004, 0.008, 0.006, 4.5), sa.CostToReach(0.75) is { } c
            ? c with { MbUp = Math.Round(c.MbUp, 9), MbDown = Math.Round(c.MbDown, 9), ClientTflops = Math.Round(c.ClientTflops, 9) } : null);
        Assert.Null(sa.CostToReach(0.95));

        counter.Count = 0;
        var summaries = await store.GetSummariesAsync([a, b], 0.85, default);
        Assert.Equal(1, counter.Count);
        var sum = summaries[0];
        // Without validation metrics the test metrics are reported at the final round, not at their own maximum.
        Assert.Equal((0.7, 3, 0.7, 0.5, 0.8), (sum.Accuracy.Best, sum.Accuracy.BestRound, sum.Accuracy.Final, sum.Accuracy.Min, sum.Accuracy.Max));
        Assert.Equal("final round", sum.Selection);
        Assert.Equal(6000, sum.BytesUp);
        Assert.Equal(60, sum.Up[PayloadKind.Labels]);
        Assert.Null(sum.CostToTarget);
        Assert.Equal(1, summaries[1].CostToTarget!.Round);
        // Client c's loss in round r is 1/(r+c+1): round 3's mean (1/4+1/5)/2 is the lowest.
        Assert.Equal((0.225, 3), (Math.Round(sum.TrainLoss.Best, 12), sum.TrainLoss.BestRound));
    }

    [Fact]
    public async Task Delete_RemovesRowsAndCheckpointFiles()
    {
        using var db = await TestDatabase.CreateAsync();
        var keep = await RecordAsync(db, [0.5, 0.6], clients: 2);
        var gone = await RecordAsync(db, [0.5, 0.6], clients: 2);
        Directory.CreateDirectory(db.CheckpointDirectory);
        var file = Path.Combine(db.CheckpointDirectory, RunCheckpointFiles.RoundFileName(gone, 1));
        File.WriteAllText(file, "x");
        File.WriteAllText(RunCheckpoint.PathFor(db.CheckpointDirectory, gone) + ".tmp", "x");
        var other = Path.Combine(db.CheckpointDirectory, RunCheckpointFiles.RoundFileName(keep, 1));
        File.WriteAllText(other, "x");

        Assert.True(await db.Store.DeleteRunAsync(gone, default));
        Assert.Null(await db.Store.GetRunAsync(gone, default));
        Assert.Equal([other], Directory.GetFiles(db.CheckpointDirectory));
        Assert.Equal(2, db.Scalar("SELECT COUNT(*) FROM Rounds"));
        Assert.Equal(2, db.Scalar("SELECT COUNT(*) FROM ClientRounds"));
        Assert.Equal(2, db.Scalar("SELECT COUNT(*) FROM Partitions"));
        Assert.False(await db.Store.DeleteRunAsync(gone, default));
    }

    [Fact]
    public async Task MarkInterrupted_TouchesOnlyRunsOfDeadProcesses()
    {
        using var db = await TestDatabase.CreateAsync();
        var mine = await RecordAsync(db, [0.5], clients: 1, finish: false);
        var orphan = await RecordAsync(db, [0.5, 0.6], clients: 1, finish: false);
        var queuedOrphan = await db.Store.CreateRunAsync(TinySpecs.FedLlm(), null, default);
        var finished = await RecordAsync(db, [0.5], clients: 1);
        int deadPid = DeadPid();
        using (var connection = db.Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"UPDATE Runs SET OwnerPid = {deadPid} WHERE Id IN ('{orphan.ToString().ToUpperInvariant()}', '{queuedOrphan.ToString().ToUpperInvariant()}', '{finished.ToString().ToUpperInvariant()}')";
            Assert.Equal(3, command.ExecuteNonQuery());
        }

        Assert.Equal(2, await db.Store.MarkInterruptedAsync(default));
        Assert.Equal(RunStatus.Running, (await db.Store.GetRunSummaryAsync(mine, default))!.Status);
        Assert.Equal(RunStatus.Finished, (await db.Store.GetRunSummaryAsync(finished, default))!.Status);
        var interrupted = (await db.Store.GetRunSummaryAsync(orphan, default))!;
        Assert.Equal(RunStatus.Interrupted, interrupted.Status);
        Assert.Contains("round 1 is the last on disk", interrupted.Error);
        Assert.True(interrupted.CanResume);
        Assert.Equal(RunStatus.Interrupted, (await db.Store.GetRunSummaryAsync(queuedOrphan, default))!.Status);
        Assert.Equal(0, await db.Store.MarkInterruptedAsync(default));
    }

    [Fact]
    public async Task Export_WritesOneCsvRowPerRunRound_AndEverythingAsJson()
    {
        using var db = await TestDatabase.CreateAsync();
        var a = await RecordAsync(db, [0.5, 0.6, 0.8], clients: 2, name: "comma, \"quoted\"");
        var b = await RecordAsync(db, [0.4, 0.9], clients: 3);

        using var csv = new MemoryStream();
        await db.Store.ExportCsvAsync([a, b], csv, default);
        var lines = System.Text.Encoding.UTF8.GetString(csv.ToArray()).TrimEnd('\n').Split('\n');
        Assert.Equal(1 + 3 + 2, lines.Length);
        Assert.StartsWith("run_id,run_name,experiment,framework", lines[0]);
        Assert.StartsWith($"{a:D},\"comma, \"\"quoted\"\"\",,fedllm,tiny,spam,dirichlet,2,1,5,finished,2,0.8,", lines[3]);
        var header = lines[0].Split(',');
        var lastOfB = lines[5].Split(',');
        Assert.Equal(header.Length, lastOfB.Length);
        Assert.Equal(("1", "0.9", "0.003", "0.006", "3000", "30"), (lastOfB[Array.IndexOf(header, "round")], lastOfB[Array.IndexOf(header, "accuracy")],
            lastOfB[Array.IndexOf(header, "cumulative_mb_up")], lastOfB[Array.IndexOf(header, "cumulative_mb_down")],
            lastOfB[Array.IndexOf(header, "bytes_up")], lastOfB[Array.IndexOf(header, "up_labels_bytes")]));

        using var json = new MemoryStream();
        await db.Store.ExportJsonAsync([b], json, default);
        using var doc = JsonDocument.Parse(json.ToArray());
        var run = doc.RootElement.GetProperty("runs")[0];
        Assert.Equal(b, run.GetProperty("summary").GetProperty("id").GetGuid());
        Assert.Equal("tiny", run.GetProperty("spec").GetProperty("model").GetString());
        Assert.Equal(2, run.GetProperty("rounds").GetArrayLength());
        Assert.Equal(3, run.GetProperty("clientRounds").GetArrayLength());
        Assert.Equal(3, run.GetProperty("partitions").GetArrayLength());
        Assert.Equal("finished", run.GetProperty("summary").GetProperty("status").GetString());
    }

    /// <summary>A run recorded through the recorder with the given accuracy per round (round 0 first).</summary>
    internal static async Task<Guid> RecordAsync(TestDatabase db, double[] accuracy, int clients, bool finish = true, string name = "run")
    {
        var spec = TinySpecs.FedLlm(clients: clients, rounds: accuracy.Length - 1 == 0 ? 1 : accuracy.Length - 1) with { Name = name };
        var id = await db.Store.CreateRunAsync(spec, null, default);
        var recorder = db.Recorders.Create(id);
        recorder.Publish(Started(id, spec));
        for (int r = 0; r < accuracy.Length; r++)
        {
            PublishRound(recorder, id, r, accuracy[r], clients, spec.Training.Rounds);
        }
        if (finish)
        {
            recorder.Publish(new RunFinished(id, T0, accuracy.Max(), accuracy[^1], 1));
        }
        Assert.Equal(0, recorder.FailedWrites);
        return id;
    }

    private static int DeadPid()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
