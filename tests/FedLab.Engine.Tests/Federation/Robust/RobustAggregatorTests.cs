using FedLab.Engine.Federation.Robust;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Federation.Robust;

/// <summary>The robust rules on hand-made updates: one wild update cannot move them far.</summary>
public sealed class RobustAggregatorTests
{
    // Four honest updates near (1, 1) and one attacker at (−100, 50).
    private static Tensor Updates() => tensor(new float[] { 1.0f, 1.0f, 1.1f, 0.9f, 0.9f, 1.1f, 1.0f, 1.2f, -100f, 50f }).reshape(5, 2);

    [Theory]
    [InlineData(RobustRule.Median, 1.0, 1.1)]
    [InlineData(RobustRule.TrimmedMean, 0.9666667, 1.1)]
    [InlineData(RobustRule.Krum, 1.0, 1.0)]
    public void Rule_IgnoresTheOutlier(RobustRule rule, double x, double y)
    {
        using var updates = Updates();
        var (aggregate, _) = RobustAggregator.Aggregate(updates, new RobustSpec { Rule = rule, Trim = 0.2, Byzantine = 1 });
        using (aggregate)
        {
            var values = aggregate.data<float>().ToArray();
            Assert.Equal(x, values[0], 4);
            Assert.Equal(y, values[1], 4);
        }
    }

    [Fact]
    public void MultiKrum_AveragesTheBestScored()
    {
        using var updates = Updates();
        var (aggregate, used) = RobustAggregator.Aggregate(updates, new RobustSpec { Rule = RobustRule.MultiKrum, Byzantine = 1 });
        using (aggregate)
        {
            Assert.Equal(4, used); // n − f
            var values = aggregate.data<float>().ToArray();
            Assert.Equal(1.0, values[0], 4);
            Assert.Equal(1.05, values[1], 4);
        }
    }
}

public sealed class RobustAggregatorWrapperTests
{
    [Fact]
    public void Wrapper_MedianOfStates_GoesThroughTheInnerAggregator()
    {
        var spec = FedLab.Engine.Tests.Runs.TinySpecs.FedLlm(clients: 3) with { Robust = new RobustSpec { Rule = RobustRule.Median } };
        using var aggregator = new RobustAggregator(new FedLab.Engine.Federation.WeightedMeanAggregator(), spec, new FedLab.Engine.Federation.RoundExtras());
        static FedLab.Engine.Federation.TrainableState State(params float[] v) =>
            FedLab.Engine.Federation.TrainableState.FromTensors([new("w", tensor(v).DetachFromDisposeScope())]);
        using var global = State(0, 0);
        for (int round = 1; round <= 2; round++)
        {
            aggregator.Begin(round, global);
            foreach (var (c, v) in new[] { (0, State(1, 1)), (1, State(2, -5)), (2, State(100, 3)) })
            {
                using (v)
                {
                    aggregator.Add(c, v, 10 * (c + 1));
                }
            }
            using var result = aggregator.Finish();
            Assert.Equal([2f, 1f], FedLab.Engine.Federation.StateVector.Flatten(result!).data<float>().ToArray());
        }
    }
}
