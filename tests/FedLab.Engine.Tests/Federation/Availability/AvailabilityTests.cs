using FedLab.Engine.Federation.Availability;
using FedLab.Engine.Frameworks.KdFedLlm;
using FedLab.Engine.Frameworks.SplitFedLlm;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;

namespace FedLab.Engine.Tests.Federation.Availability;

/// <summary>
/// Clients as they really are: seeded dropouts, a deadline on the simulated clock, Flower's minimum completion, and
/// what each framework does with the clients that did not make it.
/// </summary>
public sealed class AvailabilityTests
{
    private static RunSpec Spec(int clients = 6, int rounds = 3, int seed = 5, AvailabilitySpec? availability = null, string framework = "fedllm") =>
        TinySpecs.FedLlm(clients: clients, rounds: rounds, seed: seed) with { Framework = framework, Availability = availability };

    private static List<(int Round, int Client, string Kind)> Failures(RecordingSink sink) =>
        sink.Events.OfType<ClientRoundFailed>().Select(f => (f.Failure.Round, f.Failure.ClientId, f.Failure.Kind)).ToList();

    [Fact]
    public void TheSameSeed_GivesTheSameDropouts_AnotherSeedOthers()
    {
        var a = new AvailabilitySpec { Dropout = 0.4 };
        Assert.Equal(Draws(7, 0.4), Draws(7, 0.4));
        Assert.NotEqual(Draws(7, 0.4), Draws(8, 0.4));
        Assert.InRange(Draws(7, 0.4).Count(d => d), 400 * 0.4 - 60, 400 * 0.4 + 60); // about 40% of 400 draws

        var first = new RecordingSink();
        var second = new RecordingSink();
        TinySpecs.Run(Spec(availability: a), first);
        TinySpecs.Run(Spec(availability: a), second);
        Assert.NotEmpty(Failures(first));
        Assert.Equal(Failures(first), Failures(second));
        Assert.All(Failures(first), f => Assert.Equal(ClientFailureKinds.Dropped, f.Kind));

        static List<bool> Draws(long seed, double p) =>
            [.. Enumerable.Range(1, 40).SelectMany(round => Enumerable.Range(0, 10).Select(client => AvailabilityPlan.IsDropped(seed, p, round, client)))];
    }

    [Fact]
    public void FedLlm_With30PercentDropout_AndMinCompletion50Percent_Completes_AndMarksDroppedClients()
    {
        var sink = new RecordingSink();
        var spec = Spec(clients: 10, rounds: 4, availability: new AvailabilitySpec { Dropout = 0.3, MinCompletion = 0.5 });
        var result = TinySpecs.Run(spec, sink);

        Assert.True(result.Status == RunStatus.Finished, result.Error);
        Assert.Equal(5, result.Rounds.Count);
        var failed = sink.Events.OfType<ClientRoundFailed>().Select(e => e.Failure).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, f => Assert.Equal(ClientFailureKinds.Dropped, f.Kind));
        Assert.All(failed, f => Assert.Equal(0, f.BytesDown + f.BytesUp)); // a dropped client did no work and sent nothing
        for (int round = 1; round <= 4; round++)
        {
            var dropped = failed.Where(f => f.Round == round).Select(f => f.ClientId).ToHashSet();
            var finished = result.ClientRounds.Where(m => m.Round == round).Select(m => m.ClientId).ToHashSet();
            Assert.Equal(10, dropped.Count + finished.Count);
            Assert.Empty(dropped.Intersect(finished));
            Assert.Equal(Enumerable.Range(0, 10).Where(c => AvailabilityPlan.IsDropped(spec.Seed, 0.3, round, c)), dropped.Order());
        }
    }

    [Fact]
    public void MinCompletion_NotReached_KeepsTheGlobalModel()
    {
        // Every client drops: no round reaches 50%, so the global model is the initial one throughout.
        var trace = TraceFile(Enumerable.Range(0, 4).SelectMany(c => new[] { (c, 1, 0), (c, 2, 0) }));
        var result = TinySpecs.Run(Spec(clients: 4, rounds: 2, availability: new AvailabilitySpec { Trace = trace, MinCompletion = 0.5 }));
        Assert.True(result.Status == RunStatus.Finished, result.Error);
        Assert.All(result.Rounds, r => Assert.Equal(result.Rounds[0].Global, r.Global));
        Assert.Empty(result.ClientRounds);
    }

    [Fact]
    public void Deadline_DropsExactlyTheClientsWhoseSimulatedTimeExceedsIt()
    {
        var devices = new DeviceSpec { MedianGflops = 0.5, GflopsSpread = 1.0, MedianUpMbps = 1, MedianDownMbps = 5, BandwidthSpread = 1.0, LatencyMs = 20 };
        var clock = Spec(clients: 8, rounds: 2, availability: new AvailabilitySpec { Devices = devices });
        var untimed = TinySpecs.Run(clock);
        var profiles = DeviceProfile.Draw(devices, 8, clock.Seed);
        // FedLLM: one download and one upload per client; FLOPs and bytes do not depend on the weights' values.
        var times = untimed.ClientRounds.ToDictionary(m => (m.Round, m.ClientId), m => TimeModel.Seconds(m.Flops, m.BytesDown, m.BytesUp, 2, profiles[m.ClientId]));
        var sorted = times.Values.Order().ToList();
        double deadline = (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2; // between two clients' times

        var sink = new RecordingSink();
        var result = TinySpecs.Run(clock with { Availability = clock.Availability! with { DeadlineSeconds = deadline } }, sink);
        Assert.True(result.Status == RunStatus.Finished, result.Error);
        var late = sink.Events.OfType<ClientRoundFailed>().Select(e => e.Failure).ToList();
        Assert.All(late, f => Assert.Equal(ClientFailureKinds.Late, f.Kind));
        Assert.Equal(times.Where(t => t.Value > deadline).Select(t => t.Key).Order(), late.Select(f => (f.Round, f.ClientId)).Order());
        Assert.Equal(times.Where(t => t.Value <= deadline).Select(t => t.Key).Order(), result.ClientRounds.Select(m => (m.Round, m.ClientId)).Order());
        Assert.All(late, f => Assert.True(f.BytesUp > 0 && f.BytesDown > 0)); // a late client did its work; its bytes were sent
    }

    [Fact]
    public void OverSelection_KeepsTheFirstToFinish()
    {
        var spec = Spec(clients: 8, rounds: 1, availability: new AvailabilitySpec { OverSelection = 0.5, Devices = new DeviceSpec { GflopsSpread = 1 } })
            with { Training = TinySpecs.FedLlm().Training with { Rounds = 1, ClientFraction = 0.5 } };
        var sink = new RecordingSink();
        var result = TinySpecs.Run(spec, sink);
        Assert.True(result.Status == RunStatus.Finished, result.Error);
        Assert.Equal(4, result.ClientRounds.Count);                    // the target: half of 8
        Assert.Equal(2, sink.Events.OfType<ClientRoundFailed>().Count()); // 6 selected, 2 too slow
        Assert.All(sink.Events.OfType<ClientRoundFailed>(), f => Assert.Equal(ClientFailureKinds.Late, f.Failure.Kind));
    }

    [Theory]
    [InlineData("split", SplitVariant.Sequential)]
    [InlineData("split", SplitVariant.SplitFed)]
    [InlineData("kd", SplitVariant.Sequential)]
    public void EveryFramework_CompletesWithDroppedClients_AndReportsThem(string framework, SplitVariant variant)
    {
        var spec = Spec(clients: 5, rounds: 2, framework: framework, availability: new AvailabilitySpec { Dropout = 0.4 });
        spec = spec with { Split = spec.Split with { Variant = variant }, Kd = spec.Kd with { PublicSize = 20 } };
        var sink = new RecordingSink();
        var result = TinySpecs.Run(spec, sink);
        Assert.True(result.Status == RunStatus.Finished, result.Error);
        var dropped = sink.Events.OfType<ClientRoundFailed>().Select(e => (e.Failure.Round, e.Failure.ClientId)).ToHashSet();
        var expected = Enumerable.Range(1, 2).SelectMany(r => Enumerable.Range(0, 5).Where(c => AvailabilityPlan.IsDropped(spec.Seed, 0.4, r, c)).Select(c => (r, c))).ToHashSet();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, dropped);
        // Sequential split learning skips an absent client's turn; SplitFed averages and KD aggregates what arrived.
        Assert.Equal(10 - expected.Count, result.ClientRounds.Count);
        Assert.DoesNotContain(result.ClientRounds, m => dropped.Contains((m.Round, m.ClientId)));
    }

    internal static string TraceFile(IEnumerable<(int Client, int Round, int Available)> rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"fedlab-trace-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(path, ["client,round,available", .. rows.Select(r => $"{r.Client},{r.Round},{r.Available}")]);
        return path;
    }
}
