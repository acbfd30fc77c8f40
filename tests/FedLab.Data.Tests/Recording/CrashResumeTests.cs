using System.Text.RegularExpressions;
using FedLab.Engine.Runs;
using FedLab.Tests.Shared;

namespace FedLab.Data.Tests.Recording;

/// <summary>
/// The real CLI in a child process, killed with SIGKILL after it reported round 2: the database keeps every
/// completed round, the sweep marks the run interrupted, and a resume (the code path of the <c>resume</c>
/// command) finishes it with exactly the metrics of an uninterrupted run, for every framework.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Process)]
public sealed partial class CrashResumeTests
{
    [Theory]
    [InlineData(FedLlmFramework.Id)]
    [InlineData(CentralizedFramework.Id)]
    [InlineData(KdFramework.Id)]
    [InlineData(SplitFramework.Id)]
    public async Task KilledCliRun_IsInterruptedWithCompletedRoundsIntact_AndResumesToTheUninterruptedMetrics(string framework)
    {
        using var db = await TestDatabase.CreateAsync();
        // Enough rounds that the kill lands mid-run on an idle machine too (a tiny round takes 30 to 100 ms).
        var spec = TinySpecs.FedLlm(clients: 3, rounds: 60, seed: 17) with { Framework = framework, Name = $"crash {framework}" };
        var specPath = Path.Combine(db.Folder, "spec.json");
        await File.WriteAllTextAsync(specPath, RunSpecJson.Serialize(spec));

        Guid runId;
        int childPid;
        using (var child = CliProcess.Start(db.Folder, ["run", "--config", specPath], line => line.StartsWith("round   2/", StringComparison.Ordinal)))
        {
            await child.WaitForLineAsync(TimeSpan.FromMinutes(3));
            child.Kill();
            childPid = child.Id;
            runId = Guid.Parse(RunIdLine().Match(child.Output).Groups[1].Value);
        }

        var before = (await db.Store.GetRunSummaryAsync(runId, default))!;
        Assert.Equal(RunStatus.Running, before.Status); // nobody told the database the process died
        Assert.Equal(childPid, db.Scalar("SELECT OwnerPid FROM Runs"));
        Assert.Equal(1, await db.Store.MarkInterruptedAsync(default));

        var interrupted = (await db.Store.GetRunAsync(runId, default))!;
        Assert.Equal(RunStatus.Interrupted, interrupted.Summary.Status);
        int last = interrupted.Summary.RoundsDone;
        Assert.InRange(last, 2, spec.Training.Rounds - 1);
        Assert.Equal(Enumerable.Range(0, last + 1), interrupted.Rounds.Select(r => r.Round));
        // Every completed round has all its client rows (centralized reports one party per round).
        Assert.All(interrupted.Rounds.Skip(1), r => Assert.Equal(r.Clients, interrupted.ClientRounds.Count(c => c.Round == r.Round)));
        Assert.True(interrupted.Rounds[1].Clients > 0);
        Assert.Equal(interrupted.Rounds.Sum(r => r.Clients), interrupted.ClientRounds.Count);
        Assert.Equal(last, interrupted.CheckpointRound);
        Assert.True(File.Exists(interrupted.CheckpointPath));

        var resumed = await db.Launcher.ResumeAsync(runId, TinySpecs.Engine, null, default);
        Assert.Equal(RunStatus.Finished, resumed.Result.Status);
        Assert.Equal(last + 1, resumed.Result.Rounds[0].Round);

        var reference = await db.Store.CreateRunAsync(spec, null, default);
        await db.Launcher.ExecuteAsync(reference, TinySpecs.Engine, null, default);

        var expected = (await db.Store.GetRunAsync(reference, default))!;
        var actual = (await db.Store.GetRunAsync(runId, default))!;
        Assert.Equal(RunStatus.Finished, actual.Summary.Status);
        Assert.Equal(expected.Rounds.Select(Metrics), actual.Rounds.Select(Metrics));
        Assert.Equal(expected.ClientRounds.Select(c => (c.Round, c.ClientId, c.TrainLoss, c.BytesUp, c.Flops)),
            actual.ClientRounds.Select(c => (c.Round, c.ClientId, c.TrainLoss, c.BytesUp, c.Flops)));
        Assert.Equal((expected.Summary.BestAccuracy, expected.Summary.FinalAccuracy, expected.Summary.BytesUp, expected.Summary.BytesDown),
            (actual.Summary.BestAccuracy, actual.Summary.FinalAccuracy, actual.Summary.BytesUp, actual.Summary.BytesDown));

        // The CLI sees the same database: the run is listed, a second resume is refused, and export works.
        var runs = await CliProcess.RunAsync(db.Folder, "runs");
        Assert.Equal(0, runs.Exit);
        Assert.Contains(runId.ToString("D"), runs.Output);
        var again = await CliProcess.RunAsync(db.Folder, "resume", "--run", runId.ToString("D"));
        Assert.Equal(2, again.Exit);
        Assert.Contains("nothing to resume", again.Errors);
        var csv = Path.Combine(db.Folder, "out.csv");
        var export = await CliProcess.RunAsync(db.Folder, "export", "--runs", $"{runId},{reference}", "--out", csv);
        Assert.Equal(0, export.Exit);
        Assert.Equal(1 + 2 * (spec.Training.Rounds + 1), File.ReadAllLines(csv).Length);
    }

    private static (int, double, double, double, long, long, double, double?) Metrics(RoundRow r) =>
        (r.Round, r.Accuracy, r.MacroF1, r.Loss, r.BytesUp, r.BytesDown, r.ClientFlops, r.TrainLoss);

    [GeneratedRegex(@"^run ([0-9a-f-]{36}) ", RegexOptions.Multiline)]
    private static partial Regex RunIdLine();
}
