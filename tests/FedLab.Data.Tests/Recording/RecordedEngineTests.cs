using FedLab.Engine.Runs;
using FedLab.Tests.Shared;

namespace FedLab.Data.Tests.Recording;

/// <summary>The real engine on the tiny model, recorded through <see cref="RunLauncher"/>.</summary>
public sealed class RecordedEngineTests
{
    [Fact]
    public async Task RecorderAndEngine_StoreEveryRoundAndClientRound_ExactlyAsTheEngineReportedThem()
    {
        using var db = await TestDatabase.CreateAsync();
        var spec = TinySpecs.FedLlm(clients: 3, rounds: 3);
        var runId = await db.Store.CreateRunAsync(spec, null, default);

        var recorded = await db.Launcher.ExecuteAsync(runId, TinySpecs.Engine, null, default);
        var result = recorded.Result;
        Assert.Equal(RunStatus.Finished, result.Status);
        Assert.Equal(0, recorded.FailedWrites);

        var detail = (await db.Store.GetRunAsync(runId, default))!;
        Assert.Equal(RunStatus.Finished, detail.Summary.Status);
        Assert.Equal(result.Rounds.Select(r => r.Round), detail.Rounds.Select(r => r.Round));
        for (int i = 0; i < result.Rounds.Count; i++)
        {
            var sent = result.Rounds[i];
            var stored = detail.Rounds[i];
            Assert.Equal(sent.Global, new EvalMetrics(stored.Accuracy, stored.MacroF1, stored.Loss, stored.EvalExamples));
            Assert.Equal((sent.BytesUp, sent.BytesDown, sent.ClientFlops, sent.Clients, sent.TrainLoss, sent.WallSeconds),
                (stored.BytesUp, stored.BytesDown, stored.ClientFlops, stored.Clients, stored.TrainLoss, stored.WallSeconds));
            Assert.Equal(sent.BytesUpByKind.GetValueOrDefault(PayloadKind.Parameters), stored.Up[PayloadKind.Parameters]);
        }
        Assert.Equal(result.ClientRounds.Count, detail.ClientRounds.Count);
        foreach (var sent in result.ClientRounds)
        {
            var stored = detail.ClientRounds.Single(c => c.Round == sent.Round && c.ClientId == sent.ClientId);
            Assert.Equal((sent.Examples, sent.Steps, sent.TrainLoss, sent.BytesUp, sent.BytesDown, sent.Flops, sent.Seconds),
                (stored.Examples, stored.Steps, stored.TrainLoss, stored.BytesUp, stored.BytesDown, stored.Flops, stored.Seconds));
        }
        Assert.Equal(result.Info.ClassNames, detail.ClassNames);
        Assert.Equal(result.Info.ClientLabelHistograms.Select(h => h.Sum()), detail.Partitions.Select(p => p.Examples));
        Assert.Equal(result.Info.TrainableParameters, detail.Facts!.TrainableParameters);
        Assert.Equal(result.BestAccuracy, detail.Summary.BestAccuracy);
        Assert.Equal(result.FinalAccuracy, detail.Summary.FinalAccuracy);
        Assert.Equal(3, detail.CheckpointRound);
        Assert.True(File.Exists(detail.CheckpointPath));
        // The checkpoints left are the one the run row names (the last round) and the best round's (kept for forks and exports).
        string[] kept = [.. new[] { detail.CheckpointPath!, Path.Combine(db.CheckpointDirectory, RunCheckpointFiles.RoundFileName(runId, detail.Summary.BestRound!.Value)) }.Distinct().Order(StringComparer.Ordinal)];
        Assert.Equal(kept, Directory.GetFiles(db.CheckpointDirectory).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(FedLlmFramework.Id)]
    [InlineData(KdFramework.Id)]
    [InlineData(SplitFramework.Id)]
    public async Task AClientThatFails_IsStoredAsFailedForThatRound_AndTheRunFinishes(string framework)
    {
        using var db = await TestDatabase.CreateAsync();
        var spec = TinySpecs.FedLlm(clients: 3, rounds: 3) with { Framework = framework };
        var runId = await db.Store.CreateRunAsync(spec, null, default);

        var engine = TinySpecs.Engine with { ClientRunner = new FailingClientRunner(round: 2, client: 1) };
        var recorded = await db.Launcher.ExecuteAsync(runId, engine, null, default);
        Assert.True(recorded.Result.Status == RunStatus.Finished, recorded.Result.Error);
        Assert.Equal(0, recorded.FailedWrites);

        var detail = (await db.Store.GetRunAsync(runId, default))!;
        Assert.Equal(RunStatus.Finished, detail.Summary.Status);
        var failed = Assert.Single(detail.ClientRounds, c => c.Failed);
        Assert.Equal((2, 1, "error", FailingClientRunner.Reason), (failed.Round, failed.ClientId, failed.Status, failed.Reason));
        Assert.Equal(3 * 3, detail.ClientRounds.Count);
        Assert.Equal(2, detail.Rounds.Single(r => r.Round == 2).Clients);
        // The round's stored bytes include what the failed client exchanged before it crashed.
        Assert.Equal(detail.ClientRounds.Where(c => c.Round == 2).Sum(c => c.BytesUp + c.BytesDown),
            detail.Rounds.Single(r => r.Round == 2).BytesUp + detail.Rounds.Single(r => r.Round == 2).BytesDown);
    }

    [Theory]
    [InlineData(FedLlmFramework.Id)]
    [InlineData(CentralizedFramework.Id)]
    [InlineData(KdFramework.Id)]
    [InlineData(SplitFramework.Id)]
    public async Task CancelledRun_ResumedInTheSameRun_EndsWithTheUninterruptedMetrics(string framework)
    {
        using var db = await TestDatabase.CreateAsync();
        var spec = TinySpecs.FedLlm(clients: 3, rounds: 4, seed: 21) with { Framework = framework };
        var reference = await db.Store.CreateRunAsync(spec, null, default);
        await db.Launcher.ExecuteAsync(reference, TinySpecs.Engine, null, default);

        var runId = await db.Store.CreateRunAsync(spec, null, default);
        using var cts = new CancellationTokenSource();
        var stopAfter2 = new CallbackSink(e =>
        {
            if (e is RoundFinished { Metrics.Round: 2 })
            {
                cts.Cancel();
            }
        });
        var first = await db.Launcher.ExecuteAsync(runId, TinySpecs.Engine, stopAfter2, cts.Token);
        Assert.Equal(RunStatus.Cancelled, first.Result.Status);
        var plan = await db.Launcher.PlanResumeAsync(runId, default);
        Assert.Equal(3, plan.NextRound);

        var resumed = await db.Launcher.ResumeAsync(runId, TinySpecs.Engine, null, default);
        Assert.Equal(RunStatus.Finished, resumed.Result.Status);
        Assert.Equal([3, 4], resumed.Result.Rounds.Select(r => r.Round));

        var expected = (await db.Store.GetRunAsync(reference, default))!;
        var actual = (await db.Store.GetRunAsync(runId, default))!;
        Assert.Equal(RunStatus.Finished, actual.Summary.Status);
        Assert.Equal(1, actual.Summary.Resumes);
        Assert.Equal(expected.Rounds.Select(Metrics), actual.Rounds.Select(Metrics));
        Assert.Equal(expected.ClientRounds.Select(c => (c.Round, c.ClientId, c.TrainLoss, c.BytesUp)), actual.ClientRounds.Select(c => (c.Round, c.ClientId, c.TrainLoss, c.BytesUp)));
        Assert.Equal((expected.Summary.BestAccuracy, expected.Summary.FinalAccuracy, expected.Summary.BytesUp, expected.Summary.ClientFlops),
            (actual.Summary.BestAccuracy, actual.Summary.FinalAccuracy, actual.Summary.BytesUp, actual.Summary.ClientFlops));

        var again = await Assert.ThrowsAsync<ResumeRefusedException>(() => db.Launcher.ResumeAsync(runId, TinySpecs.Engine, null, default));
        Assert.Contains("nothing to resume", again.Message);
    }

    [Fact]
    public async Task ResumeFromACheckpointOfAnotherRun_IsRefused_AndLeavesTheRunAsItWas()
    {
        using var db = await TestDatabase.CreateAsync();
        var spec = TinySpecs.FedLlm(clients: 2, rounds: 3);
        var other = await db.Store.CreateRunAsync(spec, null, default);
        await db.Launcher.ExecuteAsync(other, TinySpecs.Engine, null, default);
        var runId = await db.Store.CreateRunAsync(spec, null, default);
        using var cts = new CancellationTokenSource();
        await db.Launcher.ExecuteAsync(runId, TinySpecs.Engine, new CallbackSink(e =>
        {
            if (e is RoundFinished { Metrics.Round: 1 })
            {
                cts.Cancel();
            }
        }), cts.Token);
        var checkpoint = (await db.Store.GetCheckpointPathAsync(runId, default))!;
        File.Copy((await db.Store.GetCheckpointPathAsync(other, default))!, checkpoint, overwrite: true);

        var refused = await Assert.ThrowsAsync<ResumeRefusedException>(() => db.Launcher.ResumeAsync(runId, TinySpecs.Engine, null, default));
        Assert.Contains("belongs to run", refused.Message);
        var after = (await db.Store.GetRunSummaryAsync(runId, default))!;
        Assert.Equal(RunStatus.Cancelled, after.Status);
        Assert.Equal(1, after.RoundsDone);

        // Of two resumes racing for one run, only the first claim wins.
        Assert.True(await db.Store.TryClaimAsync(runId, RunStatus.Cancelled, default));
        Assert.False(await db.Store.TryClaimAsync(runId, RunStatus.Cancelled, default));
    }

    private static (int, double, double, double, long, long, double) Metrics(RoundRow r) =>
        (r.Round, r.Accuracy, r.MacroF1, r.Loss, r.BytesUp, r.BytesDown, r.ClientFlops);

    private sealed class CallbackSink(Action<RunEvent> onEvent) : IRunEventSink
    {
        public void Publish(RunEvent runEvent) => onEvent(runEvent);
    }
}
