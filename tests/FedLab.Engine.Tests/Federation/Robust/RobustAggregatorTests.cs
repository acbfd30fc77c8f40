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
