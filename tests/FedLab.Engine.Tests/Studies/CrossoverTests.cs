using FedLab.Engine.Studies;

namespace FedLab.Engine.Tests.Studies;

/// <summary>The crossover bandwidths are where the formula puts them.</summary>
public sealed class CrossoverTests
{
    private static readonly DeploymentProfile Base = new("fixture", ClientGflops: 10, ServerGflops: 1000, UpMbps: 10, DownMbps: 100, RttMs: 50);

    [Fact]
    public void TwoProtocols_CrossWhereTheirTimesAreEqual()
    {
        // "FedLLM": few round trips, many bytes up; "split": many round trips, few bytes.
        // T(b) = a + 8·U/(b·10⁶): a collects compute, download and round trips, which do not depend on the uplink.
        var fed = new ClientCost(BytesUp: 40_000_000, BytesDown: 40_000_000, Flops: 2e10, RoundTrips: 1);
        var split = new ClientCost(BytesUp: 4_000_000, BytesDown: 4_000_000, Flops: 5e9, RoundTrips: 200);
        double A(ClientCost c) => c.Flops / 1e10 + 8.0 * c.BytesDown / 100e6 + c.RoundTrips * 0.05;
        double expected = 8.0 * (fed.BytesUp - split.BytesUp) / 1e6 / (A(split) - A(fed)); // b* = 8(U₁ − U₂)/(a₂ − a₁)

        RoundCost[] Rounds(ClientCost c) => [new(0, [], 0, false), new(1, [c], 0, false)];
        double? At(ClientCost c, double b) => WhatIfClock.TimeToTarget(Rounds(c), [0.0, 1.0], 0.5, Base.WithUplink(b));
        var points = Crossover.Find([("FedLLM", b => At(fed, b)), ("split", b => At(split, b))]);

        var point = Assert.Single(points);
        Assert.Equal(expected, point.UpMbps, expected * 1e-8);
        Assert.Equal("split", point.Below);
        Assert.Equal("FedLLM", point.Above);
        Assert.Equal(At(fed, expected)!.Value, At(split, expected)!.Value, 1e-6);
    }

    [Fact]
    public void NoCrossing_NoPoint() =>
        Assert.Empty(Crossover.Find([("a", _ => 1.0), ("b", _ => 2.0)]));

    [Fact]
    public void Pareto_GreysDominatedPoints()
    {
        var dominated = Pareto.Dominated([(1.0, 0.8), (2.0, 0.7), (0.5, 0.6), (2.0, 0.9), (1.0, 0.8)]);
        Assert.Equal([false, true, false, false, false], dominated);
    }
}
