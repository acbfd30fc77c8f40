using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Privacy;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Federation.Privacy;

/// <summary>DP-FedAvg's clipping, noise and accounting, on hand-made updates and in a run.</summary>
public sealed class DpAggregatorTests
{
    private static TrainableState State(params float[] values) => TrainableState.FromTensors([new("w", tensor(values).DetachFromDisposeScope())]);

    private static RunSpec Spec(PrivacySpec privacy, int clients = 4) => TinySpecs.FedLlm(clients: clients) with { Privacy = privacy };

    [Fact]
    public void Clipping_BoundsEachClientsInfluence_WithTheFixedDenominator()
    {
        var extras = new RoundExtras();
        using var dp = new DpAggregator(new WeightedMeanAggregator(), Spec(new PrivacySpec { NoiseMultiplier = 0, ClipNorm = 1 }), extras);
        using var global = State(0, 0);
        dp.Begin(1, global);
        using var big = State(30, 40);    // norm 50: clipped to (0.6, 0.8)
        using var small = State(0.3f, 0); // norm 0.3: unchanged
        dp.Add(0, big, 100);
        dp.Add(1, small, 1);             // equal weights whatever the examples
        using var result = dp.Finish();
        var values = StateVector.Flatten(result!).data<float>().ToArray();
        // (clipped + small) / n with n = 4 selected clients, though only 2 arrived.
        Assert.Equal((0.6 + 0.3) / 4, values[0], 5);
        Assert.Equal(0.8 / 4, values[1], 5);
        var noted = extras.TakeRound()!;
        Assert.Equal(0.5, noted[PrivacyLedger.Unclipped]);
        Assert.Equal(1, noted[PrivacyLedger.ClipNorm]);
        Assert.False(noted.ContainsKey(PrivacyLedger.Epsilon)); // no noise: no finite ε to report
    }

    [Fact]
    public void CentralNoise_HasTheStandardDeviation_zC_over_n()
    {
        var spec = Spec(new PrivacySpec { NoiseMultiplier = 2, ClipNorm = 0.5 });
        using var dp = new DpAggregator(new WeightedMeanAggregator(), spec, new RoundExtras());
        using var global = TrainableState.FromTensors([new("w", zeros(20_000).DetachFromDisposeScope())]);
        dp.Begin(1, global);
        dp.Add(0, global, 1);
        using var result = dp.Finish();
        using var noise = StateVector.Flatten(result!);
        Assert.Equal(2 * 0.5 / 4, noise.std().item<float>(), 2);
    }

    [Fact]
    public void AdaptiveClipping_MovesTheNormTowardsTheQuantile()
    {
        var spec = Spec(new PrivacySpec { NoiseMultiplier = 0.5, ClipNorm = 10, AdaptiveClipping = true, TargetQuantile = 0.5, ClipLearningRate = 0.5, CountNoise = 0.01 });
        using var dp = new DpAggregator(new WeightedMeanAggregator(), spec, new RoundExtras());
        using var global = State(0, 0);
        for (int round = 1; round <= 3; round++)
        {
            dp.Begin(round, global);
            for (int c = 0; c < 4; c++)
            {
                using var update = State(0.1f, 0); // every update far below C: C shrinks geometrically
                dp.Add(c, update, 1);
            }
            dp.Finish()?.Dispose();
        }
        Assert.InRange(dp.ClipNorm, 10 * Math.Exp(-3 * 0.5 * 0.5) * 0.98, 10 * Math.Exp(-3 * 0.5 * 0.5) * 1.02);
    }

    [Fact]
    public void EpsilonBudget_StopsTheRunBeforeTheRoundThatWouldExceedIt()
    {
        var privacy = new PrivacySpec { NoiseMultiplier = 1.0, ClipNorm = 1 };
        var spec = Spec(privacy, clients: 4) with { Training = TinySpecs.FedLlm().Training with { Rounds = 6, ClientFraction = 0.5 } };
        double afterTwo = PrivacyLedger.EpsilonAfter(spec, 2);
        double afterThree = PrivacyLedger.EpsilonAfter(spec, 3);
        Assert.True(afterTwo < afterThree);
        var result = TinySpecs.Run(spec with { Privacy = privacy with { EpsilonBudget = (afterTwo + afterThree) / 2 } });
        Assert.True(result.Status == RunStatus.Finished, result.Error);
        Assert.Equal([0, 1, 2], result.Rounds.Select(r => r.Round));
    }
}
