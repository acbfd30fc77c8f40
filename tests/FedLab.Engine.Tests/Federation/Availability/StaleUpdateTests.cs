using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Availability;
using FedLab.Engine.Frameworks.SplitFedLlm;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Federation.Availability;

/// <summary>
/// availability.late = "stale" (buffered asynchronous FL): a late client's update enters a later round's aggregate with
/// the staleness weight (1 + s)^−a, checked by hand on tiny states and on a tiny FedLLM run; with "drop" nothing changes.
/// </summary>
public sealed class StaleUpdateTests
{
    private static TrainableState State(params float[] values) => TrainableState.FromTensors([new("w", tensor(values).DetachFromDisposeScope())]);

    private static float[] Values(TrainableState state) => StateVector.Flatten(state).data<float>().ToArray();

    [Fact]
    public void ALateUpdate_EntersTheNextRoundsAggregate_RebasedOnTheNewGlobal_WithWeightExamplesTimesOnePlusSToTheMinusA()
    {
        var extras = new RoundExtras();
        var schedule = new StaleSchedule(0.5);
        using var stale = new StaleUpdateAggregator(new WeightedMeanAggregator(), schedule, extras, CPU);

        // Round 1 from (0, 0): client 0 on time, client 1 late by one round with Δ = (0, 2) and 30 examples.
        using (var g1 = State(0, 0))
        using (var fresh = State(1, 0))
        using (var late = State(0, 2))
        {
            stale.Begin(1, g1);
            stale.Add(0, fresh, 10);
            schedule.Note(1, 1, 1);
            stale.AddLate(1, late, 30);
            using var mean1 = stale.Finish();
            Assert.Equal([1f, 0f], Values(mean1!)); // the late update is not in its own round
        }
        Assert.Equal(0, extras.TakeRound()![StaleUpdateAggregator.StaleCount]);

        // Round 2 from (1, 0): client 2 on time with (3, 0) and 10 examples; client 1's update arrives as (1, 0) + (0, 2).
        using (var g2 = State(1, 0))
        using (var fresh = State(3, 0))
        {
            stale.Begin(2, g2);
            stale.Add(2, fresh, 10);
            using var mean2 = stale.Finish();
            double w = 30 / Math.Sqrt(2); // 30 · (1 + 1)^−0.5
            double x = (10 * 3 + w * 1) / (10 + w), y = (w * 2) / (10 + w);
            var values = Values(mean2!);
            Assert.Equal(x, values[0], 5);
            Assert.Equal(y, values[1], 5);
            Assert.Equal(1.640754, values[0], 5); // the same by hand: (30 + 21.2132) / 31.2132
        }
        var noted = extras.TakeRound()!;
        Assert.Equal(1, noted[StaleUpdateAggregator.StaleCount]);
        Assert.Equal(1 / Math.Sqrt(2), noted[StaleUpdateAggregator.StaleWeight], 12);
    }

    [Fact]
    public void AnUpdateTwoRoundsLate_WaitsForItsRound_AndCountsOneThird_WithExponentOne()
    {
        var schedule = new StaleSchedule(1.0);
        using var stale = new StaleUpdateAggregator(new WeightedMeanAggregator(), schedule, new RoundExtras(), CPU);
        using var zero = State(0);
        using var late = State(6);
        stale.Begin(1, zero);
        schedule.Note(1, 4, 2);
        stale.AddLate(4, late, 3);
        using (var nothing = stale.Finish())
        {
            Assert.Null(nothing);
        }
        stale.Begin(2, zero);
        using (var stillNothing = stale.Finish())
        {
            Assert.Null(stillNothing); // due in round 3
        }
        using var g3 = State(1);
        using var fresh = State(2);
        stale.Begin(3, g3);
        stale.Add(0, fresh, 1);
        using var mean = stale.Finish();
        // (1 · 2 + 3 · (1 + 2)^−1 · (1 + 6)) / (1 + 3/3) = (2 + 7) / 2
        Assert.Equal(4.5f, Values(mean!)[0], 5);
    }

    [Theory]
    [InlineData(15.0, 10.0, 1)]  // lands in the next round
    [InlineData(20.0, 10.0, 1)]  // exactly at the end of the next round
    [InlineData(20.1, 10.0, 2)]
    [InlineData(45.0, 10.0, 4)]
    [InlineData(5.0, null, 1)]   // over-selected out, no deadline
    public void Staleness_IsTheRoundsOfTheDeadlineTheUpdateOverran(double seconds, double? deadline, int expected) =>
        Assert.Equal(expected, StaleSchedule.Staleness(seconds, deadline));

    /// <summary>Records what the aggregator stack is given and what it returns, outermost (an engine option wrapper).</summary>
    private sealed class Recorder(IUpdateAggregator inner) : AggregatorWrapper(inner)
    {
        public List<(int Round, float[] Global, List<(int Client, float[] State, double Weight)> Fresh, List<(int Client, float[] State, double Weight)> Late, float[]? Result)> Rounds { get; } = [];

        public override void Begin(int round, TrainableState global)
        {
            Rounds.Add((round, Values(global), [], [], null));
            base.Begin(round, global);
        }

        public override void Add(int clientId, TrainableState update, double weight)
        {
            Rounds[^1].Fresh.Add((clientId, Values(update), weight));
            base.Add(clientId, update, weight);
        }

        public override void AddLate(int clientId, TrainableState update, double weight)
        {
            Rounds[^1].Late.Add((clientId, Values(update), weight));
            base.AddLate(clientId, update, weight);
        }

        public override TrainableState? Finish()
        {
            var result = base.Finish();
            Rounds[^1] = Rounds[^1] with { Result = result is null ? null : Values(result) };
            return result;
        }
    }

    private sealed class Recording : IAggregatorWrapping
    {
        public Recorder? Last { get; private set; }

        public IUpdateAggregator Wrap(IUpdateAggregator aggregator, RunSpec spec) => Last = new Recorder(aggregator);
    }

    private static RunSpec Timed(string framework = "fedllm", double? deadline = null, LateUpdates? late = null, double? exponent = null)
    {
        var devices = new DeviceSpec { MedianGflops = 0.5, GflopsSpread = 1.0, MedianUpMbps = 1, MedianDownMbps = 5, BandwidthSpread = 1.0, LatencyMs = 20 };
        var spec = TinySpecs.FedLlm(clients: 6, rounds: 3) with { Framework = framework, Availability = new AvailabilitySpec { Devices = devices, DeadlineSeconds = deadline, Late = late, StalenessExponent = exponent } };
        return spec with { Split = spec.Split with { Variant = SplitVariant.SplitFed } };
    }

    /// <summary>A deadline between two clients' simulated times, so about half are late (FLOPs and bytes do not depend on the weights).</summary>
    private static (double Deadline, Dictionary<(int Round, int Client), double> Times) Deadline(string framework = "fedllm")
    {
        var untimed = TinySpecs.Run(Timed(framework));
        Assert.True(untimed.Status == RunStatus.Finished, untimed.Error);
        var profiles = DeviceProfile.Draw(Timed().Availability!.Devices, 6, Timed().Seed);
        var times = untimed.ClientRounds.ToDictionary(m => (m.Round, m.ClientId), m => TimeModel.Seconds(m.Flops, m.BytesDown, m.BytesUp, 2, profiles[m.ClientId]));
        var sorted = times.Values.Order().ToList();
        return ((sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2, times);
    }

    [Fact]
    public void FedLlm_LateUpdates_EnterTheRoundTheyArriveIn_AsTheHandComputedWeightedMean()
    {
        var (deadline, times) = Deadline();
        var recording = new Recording();
        var sink = new RecordingSink();
        var spec = Timed(deadline: deadline, late: LateUpdates.Stale, exponent: 0.7);
        var result = new RunExecutor(TinySpecs.Engine with { AggregatorWrappers = [recording] }).Execute(Guid.NewGuid(), spec, sink, CancellationToken.None);
        Assert.True(result.Status == RunStatus.Finished, result.Error);

        var lateFailures = sink.Events.OfType<ClientRoundFailed>().Select(e => e.Failure).ToList();
        Assert.NotEmpty(lateFailures);
        Assert.All(lateFailures, f => Assert.Equal(ClientFailureKinds.Late, f.Kind));
        Assert.All(lateFailures, f => Assert.Contains("enters round", f.Reason));
        var rounds = recording.Last!.Rounds;
        Assert.Equal(lateFailures.Select(f => (f.Round, f.ClientId)).Order(), rounds.SelectMany(r => r.Late.Select(l => (r.Round, l.Client))).Order());

        int used = 0;
        foreach (var round in rounds)
        {
            // Every late update sent before this round and due in it: global_now + (its state − the global it started from).
            var due = rounds.Where(r => r.Round < round.Round).SelectMany(r => r.Late.Select(l => (From: r, Late: l)))
                .Select(x => (x.From, x.Late, S: StaleSchedule.Staleness(times[(x.From.Round, x.Late.Client)], deadline)))
                .Where(x => x.From.Round + x.S == round.Round).ToList();
            used += due.Count;
            var sum = new double[round.Global.Length];
            double total = 0;
            foreach (var (client, state, weight) in round.Fresh)
            {
                for (int i = 0; i < sum.Length; i++)
                {
                    sum[i] += weight * state[i];
                }
                total += weight;
            }
            foreach (var (from, late, s) in due)
            {
                double w = late.Weight * Math.Pow(1 + s, -0.7);
                for (int i = 0; i < sum.Length; i++)
                {
                    sum[i] += w * (round.Global[i] + late.State[i] - from.Global[i]);
                }
                total += w;
            }
            if (total == 0)
            {
                Assert.Null(round.Result);
                continue;
            }
            var expected = sum.Select(v => v / total).ToArray();
            Assert.Equal(expected.Length, round.Result!.Length);
            double worst = expected.Zip(round.Result, (e, a) => Math.Abs(e - a)).Max();
            Assert.True(worst < 1e-5, $"round {round.Round}: largest difference {worst}");
            var noted = result.Rounds.Single(r => r.Round == round.Round).Extra!;
            Assert.Equal(due.Count, noted[StaleUpdateAggregator.StaleCount]);
        }
        Assert.True(used > 0, "no late update was due within the run");

        // The same run with "drop": the late updates change the model, so the metrics differ from round 2 on.
        var dropped = TinySpecs.Run(spec with { Availability = spec.Availability! with { Late = LateUpdates.Drop, StalenessExponent = null } });
        Assert.Equal(result.Rounds[1].Global, dropped.Rounds[1].Global); // round 1: nothing was due yet
        Assert.NotEqual(result.Rounds[^1].Global, dropped.Rounds[^1].Global);
    }

    [Fact]
    public void Drop_IsTheDefault_AndStaleWithNobodyLate_ChangesNothing()
    {
        var drop = Timed(deadline: 1e9);
        var plain = TinySpecs.Run(drop);
        var explicitDrop = TinySpecs.Run(drop with { Availability = drop.Availability! with { Late = LateUpdates.Drop } });
        var staleNobodyLate = TinySpecs.Run(drop with { Availability = drop.Availability! with { Late = LateUpdates.Stale } });
        Assert.Equal(plain.Rounds.Select(r => r.Global), explicitDrop.Rounds.Select(r => r.Global));
        Assert.Equal(plain.Rounds.Select(r => r.Global), staleNobodyLate.Rounds.Select(r => r.Global));
        Assert.Equal(plain.ClientRounds.Select(c => c.TrainLoss), staleNobodyLate.ClientRounds.Select(c => c.TrainLoss));
        Assert.DoesNotContain("\"late\"", RunSpecJson.Serialize(drop)); // unset: the spec serialises as before
    }

    [Fact]
    public void SplitFed_KeepsALateClientSidePart_ForTheNextRound()
    {
        var (deadline, _) = Deadline("split");
        var sink = new RecordingSink();
        var spec = Timed("split", deadline, LateUpdates.Stale);
        var result = TinySpecs.Run(spec, sink);
        Assert.True(result.Status == RunStatus.Finished, result.Error);
        Assert.NotEmpty(sink.Events.OfType<ClientRoundFailed>());
        Assert.Contains(result.Rounds, r => r.Extra?.GetValueOrDefault(StaleUpdateAggregator.StaleCount) > 0);
        var dropped = TinySpecs.Run(spec with { Availability = spec.Availability! with { Late = null } });
        Assert.NotEqual(result.Rounds[^1].Global, dropped.Rounds[^1].Global);
    }

    [Fact]
    public void Stale_IsRefusedWhereItDoesNotApply_AtItsPath()
    {
        static IReadOnlyList<SpecError> Validate(RunSpec spec) => new RunSpecValidator(() => false).Validate(spec);
        var ok = Timed(deadline: 10, late: LateUpdates.Stale);
        Assert.Empty(Validate(ok));
        Assert.Contains(Validate(ok with { Framework = "kd" }), e => e.Field == "availability.late" && e.Message.Contains("not to kd"));
        Assert.Contains(Validate(ok with { Availability = ok.Availability! with { DeadlineSeconds = null } }), e => e.Field == "availability.late" && e.Message.Contains("no client is ever late"));
        Assert.Contains(Validate(ok with { Privacy = new() }), e => e.Field == "availability.late" && e.Message.Contains("privacy"));
        Assert.Contains(Validate(ok with { Availability = ok.Availability! with { StalenessExponent = -1 } }), e => e.Field == "availability.stalenessExponent");
        Assert.Contains(Validate(ok with { Availability = ok.Availability! with { Late = null, StalenessExponent = 1 } }), e => e.Field == "availability.stalenessExponent" && e.Message.Contains("'stale'"));
        var sequential = ok with { Framework = "split", Split = ok.Split with { Variant = SplitVariant.Sequential } };
        Assert.Contains(Validate(sequential), e => e.Field == "availability.late" && e.Message.Contains("sequential split learning"));
        Assert.Contains(RunSpecJsonErrors("""{"availability": {"late": "later"}}"""), e => e.Contains("availability.late"));
    }

    private static IEnumerable<string> RunSpecJsonErrors(string section)
    {
        var json = RunSpecJson.Serialize(TinySpecs.FedLlm());
        json = json.TrimEnd().TrimEnd('}') + "," + section.Trim().TrimStart('{').TrimEnd('}') + "}";
        try
        {
            RunSpecJson.Parse(json);
            return [];
        }
        catch (RunSpecException ex)
        {
            return ex.Errors.Select(e => $"{e.Field}: {e.Message}");
        }
    }
}
