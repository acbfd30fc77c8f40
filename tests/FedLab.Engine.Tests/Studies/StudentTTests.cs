using FedLab.Engine.Studies;

namespace FedLab.Engine.Tests.Studies;

public sealed class StudentTTests
{
    [Theory]
    [InlineData(1, 12.706204736)]
    [InlineData(2, 4.302652730)]
    [InlineData(4, 2.776445105)]
    [InlineData(9, 2.262157163)]
    [InlineData(30, 2.042272456)]
    public void Quantile975_MatchesTables(int df, double expected) =>
        Assert.Equal(expected, StudentT.Quantile(0.975, df), 6);

    [Fact]
    public void Interval_OfThreeSeeds_IsTTimesSdOverRootN()
    {
        var interval = SeedInterval.Of([1.0, 2.0, 3.0]);
        Assert.Equal(2.0, interval.Mean, 12);
        Assert.Equal(1.0, interval.StdDev, 12);
        Assert.Equal(4.302652730 / Math.Sqrt(3), interval.HalfWidth, 6);
        Assert.Equal(3, interval.N);
        Assert.Equal("2.000 ± 2.484", interval.Text());
    }

    [Fact]
    public void Interval_OfOneSeed_HasNoHalfWidth_AndNonFiniteValuesAreLeftOut()
    {
        var one = SeedInterval.Of([0.5, double.NaN]);
        Assert.Equal(1, one.N);
        Assert.True(double.IsNaN(one.HalfWidth));
        Assert.Equal("0.500", one.Text());
        Assert.Equal("–", SeedInterval.Of([]).Text());
    }
}
