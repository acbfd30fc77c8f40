using FedLab.Engine.Runs;
using static FedLab.Data.Tests.SyntheticEvents;

namespace FedLab.Data.Tests.Recording;

public sealed class RunRecorderTests
{
    [Fact]
    public async Task Recorder_StoresEveryRoundClientRoundAndPartition_AndEachRoundIsOnDiskWhenPublishReturns()
    {
        using var db = await TestDatabase.CreateAsync();
        var spec = TinySpecs.FedLlm(clients: 3, rounds: 3);
        var runId = await db.Store.CreateRunAsync(spec, null, default);
        var recorder = db.Recorders.Create(runId);

        recorder.Publish(Started(runId, spec));
        var rounds = new List<RoundMetrics>();
        for (int r = 0; r <= 3; r++)
        {
            rounds.Add(PublishRound(recorder, runId, r, accuracy: new[] { 0.5, 0.7, 0.9, 0.8 }[r], clients: 3, totalRounds: 3));
            // Synchronous: another connection already sees the round and its clients.
            Assert.Equal(r + 1, db.Scalar("SELECT COUNT(*) FROM Rounds"));
            Assert.Equal(3 * r, db.Scalar("SELECT COUNT(*) FROM ClientRounds"));
            Assert.Equal(r, db.Scalar("SELECT LastRound FROM Runs"));
        }
        recorder.Publish(new RunFinished(runId, T0.AddMinutes(1), 0.9, 0.8, 60));
        Assert.Equal(0, recorder.FailedWrites);

        var detail = await db.Store.GetRunAsync(runId, default);
        Assert.NotNull(detail);
        var s = detail.Summary;
        Assert.Equal(RunStatus.Finished, s.Status);
        Assert.Equal(3, s.RoundsDone);
        // No validation metrics were reported: the best round is the final one, never the highest test accuracy.
        Assert.Equal(0.8, s.BestAccuracy);
        Assert.Equal(3, s.BestRound);
        Assert.Equal(0.8, s.FinalAccuracy);
        Assert.Equal(rounds.Sum(r => r.BytesUp), s.BytesUp);
        Assert.Equal(rounds.Sum(r => r.BytesDown), s.BytesDown);
        Assert.Equal(rounds.Sum(r => r.ClientFlops), s.ClientFlops);
        Assert.Equal(T0.AddMinutes(1), s.FinishedAt);
        Assert.Equal(T0, s.StartedAt);
        Assert.Equal(["ham", "spam"], detail.ClassNames);
        Assert.Equal("test-engine", detail.Facts!.EngineVersion);
        Assert.Equal(100, detail.Facts.TrainableParameters);
        Assert.Equal([0, 1, 2], detail.Partitions.Select(p => p.ClientId));
        Assert.Equal([11, 19], detail.Partitions[1].LabelCounts);
        Assert.Equal(30, detail.Partitions[1].Examples);

        Assert.Equal([0, 1, 2, 3], detail.Rounds.Select(r => r.Round));
        for (int i = 0; i < rounds.Count; i++)
        {
            var stored = detail.Rounds[i];
            var sent = rounds[i];
            Assert.Equal(sent.Global.Accuracy, stored.Accuracy);
            Assert.Equal(sent.Global.MacroF1, stored.MacroF1);
            Assert.Equal(sent.Global.Loss, stored.Loss);
            Assert.Equal(sent.BytesUp, stored.BytesUp);
            Assert.Equal(sent.BytesUpByKind.GetValueOrDefault(PayloadKind.Labels), stored.Up[PayloadKind.Labels]);
            Assert.Equal(sent.BytesDownByKind.GetValueOrDefault(PayloadKind.Parameters), stored.Down[PayloadKind.Parameters]);
            Assert.Equal(sent.TrainLoss, stored.TrainLoss);
            Assert.Equal(T0.AddSeconds(i), stored.FinishedAt);
        }
        Assert.Equal(9, detail.ClientRounds.Count);
        var c = detail.ClientRounds.Single(x => x.Round == 2 && x.ClientId == 1);
        var expected = Client(2, 1, loss: 1.0 / 4);
        Assert.Equal(expected.TrainLoss, c.TrainLoss);
        Assert.Equal(expected.Examples, c.Examples);
        Assert.Equal(expected.Flops, c.Flops);
        Assert.Equal(expected.BytesUp, c.BytesUp);
        Assert.Equal(10, c.Up[PayloadKind.Labels]);
        Assert.Null(c.Accuracy);
    }

    [Fact]
    public async Task NaN_IsStoredAndReadBackAsNaN()
    {
        using var db = await TestDatabase.CreateAsync();
        var spec = TinySpecs.FedLlm(clients: 1, rounds: 1);
        var runId = await db.Store.CreateRunAsync(spec, null, default);
        var recorder = db.Recorders.Create(runId);
        recorder.Publish(Started(runId, spec));
        var client = Client(1, 0, loss: double.NaN, accuracy: 0.25);
        recorder.Publish(new ClientRoundFinished(runId, T0, client));
        recorder.Publish(new RoundFinished(runId, T0, Round(1, 0.5, [client], loss: double.NaN), 1, null));

        var detail = await db.Store.GetRunAsync(runId, default);
        Assert.Equal(0, recorder.FailedWrites);
        Assert.True(double.IsNaN(detail!.Rounds[0].Loss));
        Assert.True(double.IsNaN(detail.ClientRounds[0].TrainLoss));
        Assert.Equal(0.25, detail.ClientRounds[0].Accuracy);
    }

    [Fact]
    public async Task CancelledRound_IsNotRecorded_AndCompletedRoundsStay()
    {
        using var db = await TestDatabase.CreateAsync();
        var spec = TinySpecs.FedLlm(clients: 2, rounds: 5);
        var runId = await db.Store.CreateRunAsync(spec, null, default);
        var recorder = db.Recorders.Create(runId);
        recorder.Publish(Started(runId, spec));
        for (int r = 0; r <= 2; r++)
        {
            PublishRound(recorder, runId, r, 0.5 + r / 10.0, 2, 5);
        }
        recorder.Publish(new ClientRoundFinished(runId, T0, Client(3, 0)));
        recorder.Publish(new RunCancelled(runId, T0, 2));

        var detail = await db.Store.GetRunAsync(runId, default);
        Assert.Equal(RunStatus.Cancelled, detail!.Summary.Status);
        Assert.Equal([0, 1, 2], detail.Rounds.Select(r => r.Round));
        Assert.DoesNotContain(detail.ClientRounds, c => c.Round == 3);
        Assert.NotNull(detail.Summary.FinishedAt);
    }

    [Fact]
    public async Task ResumedStart_DropsRowsFromTheResumedRoundOn_AndRecomputesProgress()
    {
        using var db = await TestDatabase.CreateAsync();
        var spec = TinySpecs.FedLlm(clients: 2, rounds: 5);
        var runId = await db.Store.CreateRunAsync(spec, null, default);
        var first = db.Recorders.Create(runId);
        first.Publish(Started(runId, spec));
        var kept = new List<RoundMetrics>();
        for (int r = 0; r <= 3; r++)
        {
            var m = PublishRound(first, runId, r, new[] { 0.5, 0.6, 0.7, 0.95 }[r], 2, 5);
            if (r < 3)
            {
                kept.Add(m);
            }
        }

        // A resume from the checkpoint after round 2 (say round 3's checkpoint was lost) records round 3 again.
        var second = db.Recorders.Create(runId);
        second.Publish(Started(runId, spec, firstRound: 3) with { Timestamp = T0.AddHours(1) });

        var summary = (await db.Store.GetRunSummaryAsync(runId, default))!;
        Assert.Equal(RunStatus.Running, summary.Status);
        Assert.Equal(2, summary.RoundsDone);
        Assert.Equal(0.7, summary.BestAccuracy);
        Assert.Equal(0.7, summary.FinalAccuracy);
        Assert.Equal(kept.Sum(r => r.BytesUp), summary.BytesUp);
        Assert.Equal(1, summary.Resumes);
        Assert.Equal(T0, summary.StartedAt); // the first start is kept
        Assert.Equal(4, db.Scalar("SELECT COUNT(*) FROM ClientRounds"));

        PublishRound(second, runId, 3, 0.8, 2, 5);
        Assert.Equal(0, second.FailedWrites);
        Assert.Equal(0.8, (await db.Store.GetRunSummaryAsync(runId, default))!.FinalAccuracy);
    }

    [Fact]
    public async Task RoundRecordedTwice_ReplacesTheRow_InsteadOfLosingTheRound()
    {
        using var db = await TestDatabase.CreateAsync();
        var spec = TinySpecs.FedLlm(clients: 2, rounds: 2);
        var runId = await db.Store.CreateRunAsync(spec, null, default);
        var recorder = db.Recorders.Create(runId);
        recorder.Publish(Started(runId, spec));
        PublishRound(recorder, runId, 0, 0.5, 2, 2);
        PublishRound(recorder, runId, 0, 0.5, 2, 2);
        // The same client reported twice within a round keeps one row.
        recorder.Publish(new ClientRoundFinished(runId, T0, Client(1, 0, loss: 9)));
        PublishRound(recorder, runId, 1, 0.6, 2, 2);

        Assert.Equal(0, recorder.FailedWrites);
        Assert.Equal(2, db.Scalar("SELECT COUNT(*) FROM Rounds"));
        Assert.Equal(2, db.Scalar("SELECT COUNT(*) FROM ClientRounds"));
        Assert.Equal(0, db.Scalar("SELECT COUNT(*) FROM ClientRounds WHERE TrainLoss = 9"));
    }

    [Fact]
    public async Task Checkpoint_IsRenamedPerRound_AndThePreviousOneDeletedAfterTheCommit()
    {
        using var db = await TestDatabase.CreateAsync();
        var spec = TinySpecs.FedLlm(clients: 1, rounds: 2);
        var runId = await db.Store.CreateRunAsync(spec, null, default);
        var recorder = db.Recorders.Create(runId);
        recorder.Publish(Started(runId, spec));
        Directory.CreateDirectory(db.CheckpointDirectory);
        var enginePath = RunCheckpoint.PathFor(db.CheckpointDirectory, runId);

        File.WriteAllText(enginePath, "state after round 0");
        PublishRound(recorder, runId, 0, 0.5, 1, 2, enginePath);
        var round0 = await db.Store.GetCheckpointPathAsync(runId, default);
        Assert.Equal(Path.Combine(db.CheckpointDirectory, RunCheckpointFiles.RoundFileName(runId, 0)), round0);
        Assert.False(File.Exists(enginePath));
        Assert.Equal("state after round 0", File.ReadAllText(round0!));

        File.WriteAllText(enginePath, "state after round 1");
        PublishRound(recorder, runId, 1, 0.6, 1, 2, enginePath);
        var round1 = await db.Store.GetCheckpointPathAsync(runId, default);
        Assert.Equal("state after round 1", File.ReadAllText(round1!));
        Assert.False(File.Exists(round0));
        Assert.Equal(1, (await db.Store.GetRunAsync(runId, default))!.CheckpointRound);
    }

    [Fact]
    public async Task RunNobodyCreated_IsCreatedFromItsStartEvent()
    {
        using var db = await TestDatabase.CreateAsync();
        var spec = TinySpecs.FedLlm(clients: 2, rounds: 1) with { Name = "scripted" };
        var runId = Guid.NewGuid();
        var recorder = db.Recorders.Create(runId);
        recorder.Publish(Started(runId, spec));
        PublishRound(recorder, runId, 0, 0.5, 2, 1);
        PublishRound(recorder, runId, 1, 0.6, 2, 1);
        recorder.Publish(new RunFinished(runId, T0, 0.6, 0.6, 3));

        var summary = await db.Store.GetRunSummaryAsync(runId, default);
        Assert.Equal("scripted", summary!.Name);
        Assert.Equal("fedllm", summary.Framework);
        Assert.Equal(RunStatus.Finished, summary.Status);
        Assert.Equal(0, recorder.FailedWrites);
    }

    [Fact]
    public async Task Publish_NeverThrows_WhenAWriteFails()
    {
        using var db = await TestDatabase.CreateAsync();
        var runId = Guid.NewGuid();
        var recorder = db.Recorders.Create(runId);
        // No such run row, and no RunStarted: every write fails, and is counted, not thrown.
        PublishRound(recorder, runId, 0, 0.5, 2, 1);
        recorder.Publish(new RunFinished(runId, T0, 0.5, 0.5, 1));
        recorder.Publish(new RunFinished(Guid.NewGuid(), T0, 0.5, 0.5, 1));
        Assert.Equal(3, recorder.FailedWrites);
        Assert.NotNull(recorder.LastError);
    }
}
