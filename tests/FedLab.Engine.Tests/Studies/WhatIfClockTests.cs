using FedLab.Engine.Studies;

namespace FedLab.Engine.Tests.Studies;

/// <summary>The what-if against a hand computation on a fixture of bytes, FLOPs, round trips and a profile.</summary>
public sealed class WhatIfClockTests
{
    // client 10 GFLOP/s, server 100 GFLOP/s, up 8 Mbit/s (1 MB/s), down 16 Mbit/s (2 MB/s), RTT 100 ms.
    private static readonly DeploymentProfile Profile = new("fixture", ClientGflops: 10, ServerGflops: 100, UpMbps: 8, DownMbps: 16, RttMs: 100);

    // A: 5 GFLOP -> 0.5 s; 1 MB up -> 1 s; 2 MB down -> 1 s; 1 round trip -> 0.1 s. Total 2.6 s.
    private static readonly ClientCost A = new(BytesUp: 1_000_000, BytesDown: 2_000_000, Flops: 5e9, RoundTrips: 1);

    // B: 20 GFLOP -> 2 s; 0.5 MB up -> 0.5 s; nothing down; 3 round trips -> 0.3 s. Total 2.8 s.
    private static readonly ClientCost B = new(BytesUp: 500_000, BytesDown: 0, Flops: 20e9, RoundTrips: 3);

    [Fact]
    public void ClientSeconds_AreComputePlusTransferPlusRoundTrips()
    {
        Assert.Equal(2.6, WhatIfClock.ClientSeconds(A, Profile), 12);
        Assert.Equal(2.8, WhatIfClock.ClientSeconds(B, Profile), 12);
    }

    [Fact]
    public void ParallelRound_TakesTheSlowestClient_SequentialTheSum_PlusServerFlops()
    {
        // Server: 10 GFLOP at 100 GFLOP/s = 0.1 s.
        Assert.Equal(2.9, WhatIfClock.RoundSeconds(new RoundCost(1, [A, B], 1e10, Sequential: false), Profile), 12);
        Assert.Equal(5.5, WhatIfClock.RoundSeconds(new RoundCost(1, [A, B], 1e10, Sequential: true), Profile), 12);
    }

    [Fact]
    public void TimeToTarget_SumsRoundsUntilTheFirstRoundThatReachesIt()
    {
        RoundCost[] rounds = [new(0, [], 0, false), new(1, [A, B], 1e10, false), new(2, [A], 0, false)];
        Assert.Equal([0.0, 2.9, 5.5], WhatIfClock.Cumulative(rounds, Profile).Select(s => Math.Round(s, 12)));
        Assert.Equal(5.5, WhatIfClock.TimeToTarget(rounds, [0.4, 0.6, 0.8], 0.7, Profile)!.Value, 12);
        Assert.Equal(2.9, WhatIfClock.TimeToTarget(rounds, [0.4, 0.7, 0.8], 0.7, Profile)!.Value, 12);
        Assert.Null(WhatIfClock.TimeToTarget(rounds, [0.4, 0.6, 0.65], 0.7, Profile));
    }

    [Fact]
    public void Profile_IsTheRealismTimeModelsDeviceProfile_WithHalfTheRoundTripPerMessage()
    {
        var device = Profile.Client;
        Assert.Equal(10, device.Gflops);
        Assert.Equal(8, device.UpMbps);
        Assert.Equal(16, device.DownMbps);
        Assert.Equal(0.05, device.LatencySeconds, 12);
    }

    [Fact]
    public void Presets_HaveSources_AndCustomProfilesAreCheckedFieldByField()
    {
        Assert.All(DeploymentPresets.All, p => Assert.True(p.Source.Length > 40 && p.Problems().Count == 0, p.Name));
        var custom = DeploymentProfileText.Parse("clientGflops=50, upMbps=2");
        Assert.Equal(50, custom.ClientGflops);
        Assert.Equal(2, custom.UpMbps);
        Assert.Equal(DeploymentPresets.LaptopBroadband.DownMbps, custom.DownMbps);
        var ex = Assert.Throws<FedLab.Engine.Runs.RunSpecException>(() => DeploymentProfileText.Parse("upMbps=0,rttMs=x,speed=3"));
        Assert.Contains(ex.Errors, e => e.Field == "profile.upMbps");
        Assert.Contains(ex.Errors, e => e.Field == "profile.rttMs");
        Assert.Contains(ex.Errors, e => e.Field == "profile.speed");
        Assert.Throws<FedLab.Engine.Runs.RunSpecException>(() => DeploymentProfileText.Parse("satellite"));
    }
}
