using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Privacy;
using FedLab.Engine.Frameworks.KdFedLlm;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Federation.Privacy;

/// <summary>
/// DP noise on KD's aggregated logits: with zero noise (and no clipping) the consensus is the plain mean; noise
/// changes it by the stated amount; ε after every round is the accountant's; bad combinations are refused at their path.
/// </summary>
public sealed class KdLogitsPrivacyTests
{
    private static RunSpec Spec(PrivacySpec privacy, int clients = 4, int rounds = 3) =>
        TinySpecs.FedLlm(clients: clients, rounds: rounds) with { Framework = "kd", Privacy = privacy, Kd = new KdOptions { PublicSize = 20, DistillationSteps = 2 } };

    /// <summary>Four clients' log-probabilities over 3 classes on 50 public rows, from a seeded generator.</summary>
    private static List<Tensor> ClientLogProbs(int clients = 4, int rows = 50)
    {
        using var generator = new Generator(7);
        return [.. Enumerable.Range(0, clients).Select(_ => (randn(rows, 3, generator: generator) * 2).log_softmax(1).DetachFromDisposeScope())];
    }

    private static Tensor ConsensusOf(ILogitsAggregator aggregator, List<Tensor> logProbs)
    {
        foreach (var l in logProbs)
        {
            aggregator.Add(l, 10); // equal example counts: the plain mean weighs them equally too
        }
        return aggregator.Consensus();
    }

    [Fact]
    public void ZeroNoise_AndNoClipping_LeavesTheConsensusAsThePlainMean()
    {
        var logProbs = ClientLogProbs();
        using var plain = new LogitsAggregator(50, 3, KdAggregation.Examples, CPU);
        using var dp = new DpLogitsAggregator(50, 3, Spec(new PrivacySpec { NoiseMultiplier = 0, ClipNorm = 1 }), 1, new RoundExtras(), CPU);
        using var expected = ConsensusOf(plain, logProbs);
        using var actual = ConsensusOf(dp, logProbs);
        Assert.True(expected.allclose(actual, rtol: 0, atol: 1e-5), $"largest difference {(expected - actual).abs().max().item<float>()}");
        logProbs.ForEach(t => t.Dispose());
    }

    [Fact]
    public void Noise_OfStd_zCRootN_OnTheSum_ChangesTheConsensus_AndTheSameSeedAndRoundGiveTheSameNoise()
    {
        var logProbs = ClientLogProbs();
        var extras = new RoundExtras();
        var spec = Spec(new PrivacySpec { NoiseMultiplier = 0.05, ClipNorm = 0.5 });
        using var dp = new DpLogitsAggregator(50, 3, spec, 1, extras, CPU);
        using var again = new DpLogitsAggregator(50, 3, spec, 1, new RoundExtras(), CPU);
        using var nextRound = new DpLogitsAggregator(50, 3, spec, 2, new RoundExtras(), CPU);
        using var plain = new DpLogitsAggregator(50, 3, spec with { Privacy = spec.Privacy! with { NoiseMultiplier = 0 } }, 1, new RoundExtras(), CPU);
        using var noisy = ConsensusOf(dp, logProbs);
        using var same = ConsensusOf(again, logProbs);
        using var other = ConsensusOf(nextRound, logProbs);
        using var clean = ConsensusOf(plain, logProbs);
        Assert.Equal(0f, (noisy - same).abs().max().item<float>());
        Assert.False(noisy.allclose(clean, atol: 1e-3));
        Assert.False(noisy.allclose(other, atol: 1e-3));
        Assert.Equal(0.05 * 0.5 * Math.Sqrt(50), dp.SumNoiseStd, 12); // z · C · √N on each entry of the sum

        // Every row is clipped (a probability row's norm is at least 1/√3 > 0.5), rows still sum to 1.
        var noted = extras.TakeRound()!;
        Assert.Equal(0, noted[PrivacyLedger.Unclipped]);
        Assert.Equal(0.5, noted[PrivacyLedger.ClipNorm]);
        using var rowSums = noisy.exp().sum(1);
        Assert.True(rowSums.allclose(ones_like(rowSums), atol: 1e-5));
        logProbs.ForEach(t => t.Dispose());
    }

    [Fact]
    public void AKdRun_ReportsEpsilonEveryRound_AsTheAccountantSays_AndNoiseChangesItsConsensus()
    {
        var privacy = new PrivacySpec { NoiseMultiplier = 1.0, ClipNorm = 1.0, Delta = 1e-5 };
        var spec = Spec(privacy, clients: 4, rounds: 3) with { Training = TinySpecs.FedLlm().Training with { Rounds = 3, ClientFraction = 0.5 } };
        var result = TinySpecs.Run(spec);
        Assert.True(result.Status == RunStatus.Finished, result.Error);
        double q = 2.0 / 4;
        var epsilons = result.Rounds.Skip(1).Select(r => r.Extra![PrivacyLedger.Epsilon]).ToList();
        Assert.Equal(3, epsilons.Count);
        for (int round = 1; round <= 3; round++)
        {
            Assert.Equal(RdpAccountant.Epsilon(q, 1.0, round, 1e-5), epsilons[round - 1], 10);
        }
        Assert.True(epsilons[0] < epsilons[1] && epsilons[1] < epsilons[2]);

        var plain = TinySpecs.Run(spec with { Privacy = null });
        var quiet = TinySpecs.Run(spec with { Privacy = privacy with { NoiseMultiplier = 0, ClipNorm = 10 } });
        Assert.NotEqual(plain.ClientRounds.Select(c => c.Accuracy), result.ClientRounds.Select(c => c.Accuracy));
        Assert.False(quiet.Rounds[1].Extra!.ContainsKey(PrivacyLedger.Epsilon)); // without noise there is no finite ε to report
    }

    [Fact]
    public void Kd_TakesCentralFixedPrivacy_AndRefusesTheRestAtTheirPaths()
    {
        static IReadOnlyList<SpecError> Validate(RunSpec spec) => new RunSpecValidator(() => false).Validate(spec);
        var ok = Spec(new PrivacySpec { NoiseMultiplier = 1, EpsilonBudget = 8 });
        Assert.Empty(Validate(ok));
        Assert.Contains(Validate(ok with { Privacy = ok.Privacy! with { Mode = DpMode.Local } }), e => e.Field == "privacy.mode");
        Assert.Contains(Validate(ok with { Privacy = ok.Privacy! with { AdaptiveClipping = true } }), e => e.Field == "privacy.adaptiveClipping");
        Assert.Contains(Validate(ok with { Kd = ok.Kd with { Aggregation = KdAggregation.Confidence } }), e => e.Field == "kd.aggregation");
        Assert.Contains(Validate(ok with { Framework = "split", Split = ok.Split with { Variant = Engine.Frameworks.SplitFedLlm.SplitVariant.Sequential } }),
            e => e.Field == "privacy" && e.Message.Contains("kd (its aggregated logits)"));
    }
}
