using FedLab.Engine.Runs;

namespace FedLab.Data.Tests.Recording;

/// <summary>The launcher path the dashboard's queue takes (<see cref="RunLauncher.ExecuteQueuedAsync"/>).</summary>
public sealed class QueuedLaunchTests
{
    [Fact]
    public async Task QueuedRun_Starts_AndARequeuedRunContinuesFromItsCheckpoint_WithTheUninterruptedMetrics()
    {
        using var db = await TestDatabase.CreateAsync();
        var spec = TinySpecs.FedLlm(clients: 2, rounds: 3, seed: 13);
        var reference = await db.Store.CreateRunAsync(spec, null, default);
        Assert.Equal(RunStatus.Finished, (await db.Launcher.ExecuteQueuedAsync(reference, TinySpecs.Engine, null, default)).Result.Status);

        var runId = await db.Store.CreateRunAsync(spec, null, default);
        using var cts = new CancellationTokenSource();
        var seen = new List<RunEvent>();
        var first = await db.Launcher.ExecuteQueuedAsync(runId, TinySpecs.Engine, new CallbackSink(e =>
        {
            seen.Add(e);
            if (e is RoundFinished { Metrics.Round: 1 })
            {
                cts.Cancel();
            }
        }), cts.Token);
        Assert.Equal(RunStatus.Cancelled, first.Result.Status);
        Assert.IsType<RunStarted>(seen[0]); // the observer hears everything, after the recorder

        // What the queue's resume does: queue the stopped run again, then a worker executes it.
        await db.Store.SetStatusAsync(runId, RunStatus.Queued, null, default);
        var resumed = await db.Launcher.ExecuteQueuedAsync(runId, TinySpecs.Engine, null, default);
        Assert.Equal(RunStatus.Finished, resumed.Result.Status);
        Assert.Equal([2, 3], resumed.Result.Rounds.Select(r => r.Round));
        Assert.Equal(0, resumed.FailedWrites);

        var expected = (await db.Store.GetRunAsync(reference, default))!;
        var actual = (await db.Store.GetRunAsync(runId, default))!;
        Assert.Equal(expected.Rounds.Select(r => (r.Round, r.Accuracy, r.Loss, r.BytesUp)), actual.Rounds.Select(r => (r.Round, r.Accuracy, r.Loss, r.BytesUp)));
        Assert.Equal(1, actual.Summary.Resumes);
    }

    [Fact]
    public async Task QueuedRunThatCannotStart_IsMarkedFailed_WithTheReason()
    {
        using var db = await TestDatabase.CreateAsync();
        var runId = await db.Store.CreateRunAsync(TinySpecs.FedLlm(), null, default);
        using (var connection = db.Open())
        using (var command = connection.CreateCommand())
        {
            // A spec an older engine wrote that this one no longer parses.
            command.CommandText = "UPDATE Runs SET SpecJson = '{\"model\": \"tiny\", \"unknownField\": 1}'";
            command.ExecuteNonQuery();
        }

        await Assert.ThrowsAsync<RunSpecException>(() => db.Launcher.ExecuteQueuedAsync(runId, TinySpecs.Engine, null, default));

        var run = (await db.Store.GetRunSummaryAsync(runId, default))!;
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("unknownField", run.Error);
    }

    private sealed class CallbackSink(Action<RunEvent> onEvent) : IRunEventSink
    {
        public void Publish(RunEvent runEvent) => onEvent(runEvent);
    }
}
