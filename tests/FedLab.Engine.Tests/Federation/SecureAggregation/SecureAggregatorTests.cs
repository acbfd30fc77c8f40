using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Availability;
using FedLab.Engine.Federation.SecureAggregation;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Federation.SecureAggregation;

/// <summary>
/// Secure aggregation equals FedAvg up to quantisation: with every participant, and when one drops after the keys and
/// shares went round (its pairwise masks are rebuilt from the survivors' shares); and a run counts its protocol bytes.
/// </summary>
public sealed class SecureAggregatorTests
{
    private static readonly SecureAggregationSpec Options = new() { Bits = 16, Range = 0.5, Threshold = 0.5 };

    private static RunSpec Spec(int clients) => TinySpecs.FedLlm(clients: clients) with { SecureAggregation = Options };

    private static TrainableState State(float[] values) =>
        TrainableState.FromTensors([new("a", tensor(values[..3]).DetachFromDisposeScope()), new("b", tensor(values[3..]).reshape(2, 2).DetachFromDisposeScope())]);

    private static float[] Random(int seed) => Enumerable.Range(0, 7).Select(i => (float)(new Random(seed * 31 + i).NextDouble() * 0.4 - 0.2)).ToArray();

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 2 })]
    public void Aggregate_EqualsWeightedMean_WithinQuantisation(int[] droppedAfterMasking)
    {
        var spec = Spec(4);
        var extras = new RoundExtras();
        var session = new SecAggSession(spec, null, totalExamples: 100);
        using var aggregator = new SecureAggregator(new WeightedMeanAggregator(), session, extras);
        using var global = State(Random(99));
        aggregator.Begin(1, global);
        Assert.Equal([0, 1, 2, 3], session.Current!.Participants);
        double[] weights = [10, 20, 30, 40];
        var expected = new double[7];
        double total = 0;
        for (int c = 0; c < 4; c++)
        {
            if (droppedAfterMasking.Contains(c))
            {
                continue; // its keys and shares went round; its masked update never arrives
            }
            var values = Random(c);
            using var update = State(values);
            aggregator.Add(c, update, weights[c]);
            for (int k = 0; k < 7; k++)
            {
                expected[k] += weights[c] * values[k];
            }
            total += weights[c];
        }
        using var result = aggregator.Finish();
        Assert.NotNull(result);
        var actual = StateVector.Flatten(result).data<float>().ToArray();
        double step = Options.Range / (Math.Pow(2, Options.Bits - 1) - 1);
        for (int k = 0; k < 7; k++)
        {
            // The clients' values are absolute states; the aggregator quantises each update (state − global).
            Assert.True(Math.Abs(actual[k] - expected[k] / total) <= step, $"coordinate {k}: {actual[k]} vs {expected[k] / total} (step {step})");
        }
        Assert.Equal(droppedAfterMasking.Length, extras.TakeRound()![SecureAggregator.Recovered]);
    }

    [Fact]
    public void TooFewSurvivors_AbortTheRound_AndTheGlobalStateStays()
    {
        var spec = Spec(4);
        var extras = new RoundExtras();
        using var aggregator = new SecureAggregator(new WeightedMeanAggregator(), new SecAggSession(spec, null, 100), extras);
        using var global = State(Random(99));
        aggregator.Begin(1, global);
        using var update = State(Random(1));
        aggregator.Add(1, update, 10); // 1 survivor of 4; t = 3
        Assert.Null(aggregator.Finish());
        Assert.Equal(1, extras.TakeRound()![SecureAggregator.Aborted]);
    }

    [Fact]
    public void Run_CountsKeysSharesAndUnmaskingAsTheirOwnPayloadKinds_AndStaysCloseToFedAvg()
    {
        var spec = Spec(3) with { Training = TinySpecs.FedLlm().Training with { Rounds = 1 } };
        var secure = TinySpecs.Run(spec);
        var plain = TinySpecs.Run(spec with { SecureAggregation = null });
        Assert.True(secure.Status == RunStatus.Finished, secure.Error);
        var client = secure.ClientRounds[0];
        Assert.Equal(SecAggRound.PublicKeyMessageBytes, client.BytesUpByKind[SecAggTrafficRunner.Keys]);
        Assert.Equal(2L * SecAggRound.PublicKeyMessageBytes, client.BytesDownByKind[SecAggTrafficRunner.Keys]);
        Assert.True(client.BytesUpByKind[SecAggTrafficRunner.Shares] > 2 * 2 * Shamir.ShareBytes); // two encrypted share pairs
        Assert.Equal(2L * (8 + Shamir.ShareBytes), client.BytesUpByKind[SecAggTrafficRunner.Unmask]);
        Assert.Equal(plain.ClientRounds[0].BytesUpByKind[PayloadKind.Parameters], client.BytesUpByKind[PayloadKind.Parameters]);
        var overhead = secure.Rounds[1].BytesUp + secure.Rounds[1].BytesDown - plain.Rounds[1].BytesUp - plain.Rounds[1].BytesDown;
        Assert.True(overhead > 0);
        Assert.InRange(secure.Rounds[1].Global.Accuracy - plain.Rounds[1].Global.Accuracy, -0.05, 0.05); // the same model up to quantisation
    }
}
