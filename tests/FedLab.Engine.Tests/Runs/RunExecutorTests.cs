using FedLab.Engine.Federation;
using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using TorchSharp;

namespace FedLab.Engine.Tests.Runs;

public sealed class RunExecutorTests
{
    [Fact]
    public void SameSpecAndSeed_GiveIdenticalMetrics()
    {
        var spec = TinySpecs.FedLlm(seed: 11) with { FedLlm = new FedLlmOptions { ProxMu = 0.1, ServerOptimizer = ServerOptimizerKind.Adam, ServerLearningRate = 0.05 } };
        var a = TinySpecs.Run(spec);
        var b = TinySpecs.Run(spec);
        Assert.Equal(RunStatus.Finished, a.Status);
        Assert.Equal(Fingerprint(a), Fingerprint(b));
        var c = TinySpecs.Run(spec with { Seed = 12 });
        Assert.NotEqual(Fingerprint(a), Fingerprint(c));
    }

    [Fact]
    public void EventsArriveInOrder_WithRoundZeroFirst()
    {
        var sink = new RecordingSink();
        var result = TinySpecs.Run(TinySpecs.FedLlm(clients: 3, rounds: 2), sink);
        Assert.IsType<RunStarted>(sink.Events[0]);
        Assert.IsType<RunFinished>(sink.Events[^1]);
        var rounds = sink.Events.OfType<RoundFinished>().Select(r => r.Metrics.Round).ToList();
        Assert.Equal([0, 1, 2], rounds);
        // Every client event of round r comes before round r's summary.
        for (int i = 0; i < sink.Events.Count; i++)
        {
            if (sink.Events[i] is ClientRoundFinished c)
            {
                int summary = sink.Events.FindIndex(e => e is RoundFinished r && r.Metrics.Round == c.Metrics.Round);
                Assert.True(i < summary);
            }
        }
        Assert.Equal(6, result.ClientRounds.Count);
        Assert.Equal(0, result.Rounds[0].BytesUp);
    }

    [Theory]
    [InlineData(FineTuneKind.Lora)]
    [InlineData(FineTuneKind.HeadOnly)]
    [InlineData(FineTuneKind.Full)]
    public void BytesUpPerClient_EqualTheSerialisedTrainableState(FineTuneKind mode)
    {
        var spec = TinySpecs.FedLlm(clients: 2, rounds: 1, mode: mode);
        var result = TinySpecs.Run(spec);
        using var env = RunEnvironment.Create(spec, TinySpecs.Engine);
        using var state = TrainableState.Capture(env.Trainable);
        long expected = state.Serialize().Length;
        long header = expected - state.ElementCount * sizeof(float);
        Assert.True(header > 0 && header < 200 * state.Tensors.Count + 64, $"safetensors header is {header} bytes");
        Assert.All(result.ClientRounds, c =>
        {
            Assert.Equal(expected, c.BytesUp);
            Assert.Equal(expected, c.BytesDown);
            Assert.Equal(expected, c.BytesUpByKind[PayloadKind.Parameters]);
        });
        Assert.Equal(result.Info.TrainableParameters, state.ElementCount);
    }

    [Fact]
    public void LiveTensors_DoNotGrowWithClientsOrRounds()
    {
        // TorchSharp counts live tensors per thread; Execute runs on this thread.
        long Live() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        long baseline = Live();
        var perRound = new Dictionary<int, List<long>>();
        void Measure(int clients, int rounds)
        {
            var counts = new List<long>();
            TinySpecs.Run(TinySpecs.FedLlm(clients: clients, rounds: rounds), new RecordingSink(e =>
            {
                if (e is RoundFinished r && r.Metrics.Round > 0)
                {
                    counts.Add(Live());
                }
            }));
            perRound[clients * 100 + rounds] = counts;
        }
        Measure(2, 3);
        Measure(8, 3);
        var two = perRound[203];
        var eight = perRound[803];
        Assert.All(two, c => Assert.Equal(two[0], c));      // no growth with rounds
        Assert.Equal(two, eight);                             // no growth with clients
        Assert.Equal(baseline, Live());                       // everything freed after the run
    }

    [Fact]
    public void Cancellation_StopsMidRound_AndReportsCancelled()
    {
        using var cts = new CancellationTokenSource();
        var sink = new RecordingSink(e =>
        {
            if (e is ClientRoundFinished c && c.Metrics.Round == 2)
            {
                cts.Cancel(); // inside round 2, after its first client
            }
        });
        var result = TinySpecs.Run(TinySpecs.FedLlm(clients: 3, rounds: 4), sink, cts.Token);
        Assert.Equal(RunStatus.Cancelled, result.Status);
        Assert.Equal(1, Assert.IsType<RunCancelled>(sink.Events[^1]).CompletedRounds);
        Assert.Equal([0, 1], result.Rounds.Select(r => r.Round));
    }

    [Fact]
    public void InvalidSpec_StartsNothing()
    {
        var sink = new RecordingSink();
        var spec = TinySpecs.FedLlm() with { Partition = new PartitionSpec { Kind = PartitionMethod.Iid, Clients = 0 } };
        var ex = Assert.Throws<RunSpecException>(() => TinySpecs.Run(spec, sink));
        Assert.Contains(ex.Errors, e => e.Field == "partition.clients");
        Assert.Empty(sink.Events);
    }

    [Fact]
    public void Centralized_UsesTheSameStepBudget_AndMovesNoBytes()
    {
        var spec = TinySpecs.FedLlm(clients: 3, rounds: 1) with { Framework = CentralizedFramework.Id };
        var result = TinySpecs.Run(spec);
        var only = Assert.Single(result.ClientRounds);
        Assert.Equal(3 * 2, only.Steps);
        Assert.Equal(0, only.BytesUp + only.BytesDown);
    }

    [Fact]
    public void Training_ImprovesOverRoundZero_OnAnEasyTask()
    {
        var spec = TinySpecs.FedLlm(clients: 2, rounds: 4) with
        {
            Training = new TrainingSpec { Rounds = 4, LocalSteps = 8, BatchSize = 16, LearningRate = 0.01, EvalBatchSize = 20 },
            FineTune = new FineTuneSpec { Mode = FineTuneKind.Full },
        };
        var result = TinySpecs.Run(spec);
        Assert.True(result.Rounds[^1].Global.Loss < result.Rounds[0].Global.Loss,
            $"loss went from {result.Rounds[0].Global.Loss} to {result.Rounds[^1].Global.Loss}");
    }

    private static string Fingerprint(RunResult r) =>
        string.Join("|", r.Rounds.Select(m => $"{m.Global.Accuracy:R},{m.Global.Loss:R},{m.BytesUp},{m.TrainLoss:R}"))
        + string.Join("|", r.ClientRounds.Select(c => $"{c.ClientId}:{c.TrainLoss:R}"));
}
