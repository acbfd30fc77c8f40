using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Robust;
using FedLab.Engine.Tests.Runs;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Federation.Robust;

/// <summary>The median wrapper inside a round: it replaces the weighted mean and hands one update to the inner aggregator.</summary>
public sealed class RobustAggregatorWrapperTests
{
    [Fact]
    public void Wrapper_MedianOfStates_GoesThroughTheInnerAggregator()
    {
        var spec = TinySpecs.FedLlm(clients: 3) with { Robust = new RobustSpec { Rule = RobustRule.Median } };
        using var aggregator = new RobustAggregator(new WeightedMeanAggregator(), spec, new RoundExtras());
        static TrainableState State(params float[] v) =>
            TrainableState.FromTensors([new("w", tensor(v).DetachFromDisposeScope())]);
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
            Assert.Equal([2f, 1f], StateVector.Flatten(result!).data<float>().ToArray());
        }
    }
}
