using FedLab.Engine.Federation;
using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using FedLab.Engine.Tests.Runs;
using FedLab.Tests.Shared;
using TorchSharp;

namespace FedLab.Engine.Tests.Frameworks;

/// <summary>
/// The one contract every framework keeps (as System.Threading.Channels' ChannelTestBase does for channels): each
/// derived class supplies a small spec on the tiny model and inherits every test. Rounds complete, events arrive in
/// order, cancellation is honoured mid-round without leaking, no tensor outlives the run or accumulates per round, the
/// same seed gives the same metrics, the bytes reported are the lengths of real safetensors payloads, and a resumed
/// run ends with the same metrics as an uninterrupted one.
/// </summary>
public abstract class FrameworkContractTests
{
    /// <summary>A fast spec of this framework: tiny model, a few clients and rounds.</summary>
    protected abstract RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5);

    /// <summary>The payload kinds this framework sends; empty when nothing travels.</summary>
    protected abstract IReadOnlySet<PayloadKind> Kinds { get; }

    /// <summary>Client reports per round (the centralized reference reports one party).</summary>
    protected virtual int ClientsPerRound(RunSpec spec) => ClientSampler.CountFor(spec.Partition.Clients, spec.Training.ClientFraction);

    /// <summary>Whether the framework reports its clients' own models' accuracy (KD).</summary>
    protected virtual bool ReportsClientAccuracy => false;

    /// <summary>Whether clients' work goes through the client runner (the centralized reference has no clients).</summary>
    protected virtual bool HasClients => true;

    [Fact]
    public void ARoundWhereEveryClientErrs_FailsTheRun_SayingWhy()
    {
        if (!HasClients)
        {
            return;
        }
        var spec = Spec(clients: 2, rounds: 2);
        var everyone = new FailingClientRunner(round: 1, client: -1);
        var result = new RunExecutor(TinySpecs.Engine with { ClientRunner = everyone }).Execute(Guid.NewGuid(), spec, new RecordingSink(), CancellationToken.None);
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal($"every client failed in round 1: {FailingClientRunner.Reason}", result.Error);
    }

    [Fact]
    public void AFailingClient_IsReportedAsFailed_AndTheRunCompletes()
    {
        if (!HasClients)
        {
            return;
        }
        var spec = Spec(clients: 3, rounds: 3);
        var sink = new RecordingSink();
        var executor = new RunExecutor(TinySpecs.Engine with { ClientRunner = new FailingClientRunner(round: 2, client: 1) });
        var result = executor.Execute(Guid.NewGuid(), spec, sink, CancellationToken.None);

        Assert.True(result.Status == RunStatus.Finished, result.Error);
        var failure = Assert.Single(sink.Events.OfType<ClientRoundFailed>()).Failure;
        Assert.Equal((2, 1, ClientFailureKinds.Error, FailingClientRunner.Reason), (failure.Round, failure.ClientId, failure.Kind, failure.Reason));
        Assert.True(failure.BytesDown + failure.BytesUp > 0, "what was exchanged before the crash was sent, so it counts");
        Assert.DoesNotContain(result.ClientRounds, c => c.Round == 2 && c.ClientId == 1);
        var round2 = result.Rounds.Single(r => r.Round == 2);
        Assert.Equal(ClientsPerRound(spec) - 1, round2.Clients);
        Assert.Equal(result.ClientRounds.Where(c => c.Round == 2).Sum(c => c.BytesDown) + failure.BytesDown, round2.BytesDown);
        Assert.Equal(result.ClientRounds.Where(c => c.Round == 2).Sum(c => c.BytesUp) + failure.BytesUp, round2.BytesUp);
        Assert.All(result.Rounds, r => Assert.True(double.IsFinite(r.Global.Loss)));
        // The failure is an event between the round's client events, never after the round.
        int failedAt = sink.Events.FindIndex(e => e is ClientRoundFailed);
        int round2At = sink.Events.FindIndex(e => e is RoundFinished { Metrics.Round: 2 });
        Assert.True(failedAt < round2At);
    }

    [Fact]
    public void AllRoundsComplete_WithEveryClientReported()
    {
        var spec = Spec();
        var result = TinySpecs.Run(spec);
        Assert.True(result.Status == RunStatus.Finished, result.Error);
        Assert.Equal(Enumerable.Range(0, spec.Training.Rounds + 1), result.Rounds.Select(r => r.Round));
        Assert.Equal(spec.Training.Rounds * ClientsPerRound(spec), result.ClientRounds.Count);
        Assert.All(result.Rounds, r =>
        {
            Assert.InRange(r.Global.Accuracy, 0, 1);
            Assert.Equal(result.Info.TestExamples, r.Global.Examples);
            Assert.Equal(ReportsClientAccuracy, r.ClientAccuracyMean is not null);
        });
        Assert.All(result.ClientRounds, c =>
        {
            Assert.True(c.Steps > 0 && c.Examples > 0 && c.Flops > 0 && double.IsFinite(c.TrainLoss));
            Assert.Equal(ReportsClientAccuracy, c.Accuracy is not null);
        });
    }

    [Fact]
    public void EventsArriveInOrder()
    {
        var spec = Spec();
        var sink = new RecordingSink();
        TinySpecs.Run(spec, sink);
        Assert.Equal(0, Assert.IsType<RunStarted>(sink.Events[0]).FirstRound);
        Assert.IsType<RunFinished>(sink.Events[^1]);
        int expectedRound = 0;
        int clientsInRound = 0;
        foreach (var e in sink.Events.Skip(1).SkipLast(1))
        {
            switch (e)
            {
                case ClientRoundFinished c:
                    Assert.Equal(expectedRound, c.Metrics.Round); // after round r-1's summary, before round r's
                    clientsInRound++;
                    break;
                case RoundFinished r:
                    Assert.Equal(expectedRound, r.Metrics.Round);
                    Assert.Equal(spec.Training.Rounds, r.TotalRounds);
                    Assert.Equal(expectedRound == 0 ? 0 : ClientsPerRound(spec), clientsInRound);
                    expectedRound++;
                    clientsInRound = 0;
                    break;
                default:
                    Assert.Fail($"unexpected {e.GetType().Name} in the middle of a run");
                    break;
            }
        }
        Assert.Equal(spec.Training.Rounds + 1, expectedRound);
    }

    [Fact]
    public void Cancellation_IsHonouredMidRound_AndFreesEverything()
    {
        long before = Live();
        var spec = Spec(rounds: 4);
        using var cts = new CancellationTokenSource();
        var sink = new RecordingSink(e =>
        {
            if (e is ClientRoundFinished { Metrics.Round: 2 })
            {
                cts.Cancel(); // inside round 2, after its first client
            }
        });
        var result = TinySpecs.Run(spec, sink, cts.Token);
        Assert.Equal(RunStatus.Cancelled, result.Status);
        Assert.Equal(1, Assert.IsType<RunCancelled>(sink.Events[^1]).CompletedRounds);
        Assert.Equal([0, 1], result.Rounds.Select(r => r.Round));
        Assert.DoesNotContain(sink.Events, e => e is RoundFinished { Metrics.Round: 2 });
        int clientsInRound2 = sink.Events.Count(e => e is ClientRoundFinished { Metrics.Round: 2 });
        Assert.Equal(1, clientsInRound2); // the next client's first check stopped it
        Assert.Equal(before, Live());
    }

    [Fact]
    public void NoTensorLeaks_AndNoGrowthPerRound()
    {
        long before = Live();
        var counts = new List<long>();
        var result = TinySpecs.Run(Spec(rounds: 4), new RecordingSink(e =>
        {
            if (e is RoundFinished { Metrics.Round: > 0 })
            {
                counts.Add(Live());
            }
        }));
        Assert.Equal(RunStatus.Finished, result.Status);
        Assert.Equal(4, counts.Count);
        Assert.All(counts, c => Assert.Equal(counts[0], c));
        Assert.Equal(before, Live());
    }

    [Fact]
    public void SameSeed_GivesTheSameMetrics_AndAnotherSeedDoesNot()
    {
        var a = TinySpecs.Run(Spec(seed: 11));
        var b = TinySpecs.Run(Spec(seed: 11));
        var c = TinySpecs.Run(Spec(seed: 12));
        Assert.Equal(RunStatus.Finished, a.Status);
        Assert.Equal(Fingerprint(a), Fingerprint(b));
        Assert.NotEqual(Fingerprint(a), Fingerprint(c));
    }

    [Fact]
    public void BytesReported_AreTheLengthsOfRealPayloads()
    {
        var spec = Spec();
        var observed = new List<(int Round, Payload Payload, bool Up)>();
        int round = 1;
        RunResult result;
        using (TrafficMeter.Observe((payload, up) => observed.Add((round, payload, up))))
        {
            result = TinySpecs.Run(spec, new RecordingSink(e =>
            {
                if (e is RoundFinished r)
                {
                    round = r.Metrics.Round + 1;
                }
            }));
        }
        Assert.Equal(RunStatus.Finished, result.Status);
        Assert.Equal(Kinds.Order(), observed.Select(o => o.Payload.Kind).Distinct().Order());
        if (Kinds.Count > 0)
        {
            Assert.True(result.ClientRounds.All(c => c.BytesUp > 0), "every client sends something");
        }

        // Every payload is a real safetensors document: parsed and written again, it is the very same bytes.
        foreach (var payload in observed.Select(o => o.Payload).Distinct())
        {
            using var file = SafeTensors.Deserialize(payload.Bytes);
            Assert.NotEmpty(file.Tensors);
            Assert.Equal(payload.Bytes, SafeTensors.Serialize(file.Tensors, file.Metadata.Count == 0 ? null : file.Metadata));
        }

        foreach (var metrics in result.Rounds.Where(r => r.Round > 0))
        {
            var inRound = observed.Where(o => o.Round == metrics.Round).ToList();
            var clients = result.ClientRounds.Where(c => c.Round == metrics.Round).ToList();
            Assert.Equal(inRound.Where(o => o.Up).Sum(o => o.Payload.Length), metrics.BytesUp);
            Assert.Equal(inRound.Where(o => !o.Up).Sum(o => o.Payload.Length), metrics.BytesDown);
            Assert.Equal(clients.Sum(c => c.BytesUp), metrics.BytesUp);
            Assert.Equal(clients.Sum(c => c.BytesDown), metrics.BytesDown);
            foreach (var kind in inRound.Select(o => o.Payload.Kind).Union(metrics.BytesUpByKind.Keys).Union(metrics.BytesDownByKind.Keys))
            {
                Assert.Equal(inRound.Where(o => o.Up && o.Payload.Kind == kind).Sum(o => o.Payload.Length), metrics.BytesUpByKind.GetValueOrDefault(kind));
                Assert.Equal(inRound.Where(o => !o.Up && o.Payload.Kind == kind).Sum(o => o.Payload.Length), metrics.BytesDownByKind.GetValueOrDefault(kind));
            }
        }
    }

    [Fact]
    public void ResumedRun_EndsWithTheSameMetrics_AsAnUninterruptedRun()
    {
        var spec = Spec(rounds: 4, seed: 21);
        var uninterrupted = TinySpecs.Run(spec);
        var dir = Path.Combine(Path.GetTempPath(), "fedlab-contract-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (_, _, resumed, _) = TinySpecs.CrashAndResume(Guid.NewGuid(), spec, dir);
            Assert.Equal([3, 4], resumed.Rounds.Select(r => r.Round));
            Assert.Equal(Fingerprint(uninterrupted, fromRound: 3), Fingerprint(resumed, fromRound: 3));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static long Live() => DisposeScopeManager.Statistics.ThreadTotalLiveCount;

    private static string Fingerprint(RunResult r, int fromRound = 0) =>
        string.Join("|", r.Rounds.Where(m => m.Round >= fromRound).Select(m =>
            $"{m.Round}:{m.Global.Accuracy:R},{m.Global.MacroF1:R},{m.Global.Loss:R},{m.BytesUp},{m.BytesDown},{m.TrainLoss:R},{m.ClientAccuracyMean:R},{m.ClientAccuracyStd:R}"))
        + "#" + string.Join("|", r.ClientRounds.Where(c => c.Round >= fromRound).Select(c => $"{c.Round}.{c.ClientId}:{c.TrainLoss:R},{c.Flops:R},{c.BytesUp},{c.Accuracy:R}"));
}
