using FedLab.Engine.Federation;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;
using FedLab.Tests.Shared;

namespace FedLab.Engine.Tests.Frameworks;

/// <summary>
/// The aggregator seam: a wrapper defined in this test assembly wraps FedLLM's (and SplitFed's) update aggregator
/// through the engine options, without editing the framework, and its effect shows in the run.
/// </summary>
public sealed class AggregatorWrapperTests
{
    [Fact]
    public void ScalingTheUpdateToZero_FreezesTheGlobalModel()
    {
        var spec = TinySpecs.FedLlm(clients: 3, rounds: 3);
        var wrapping = new ScaledUpdateWrapping(0);
        var frozen = new RunExecutor(TinySpecs.Engine with { AggregatorWrappers = [wrapping] }).Execute(Guid.NewGuid(), spec, new RecordingSink(), CancellationToken.None);
        var plain = TinySpecs.Run(spec);

        Assert.True(frozen.Status == RunStatus.Finished, frozen.Error);
        Assert.Equal(3 * 3, wrapping.UpdatesSeen);
        // Every round evaluates the untouched initial model, while the clients still trained and uploaded.
        Assert.All(frozen.Rounds, r => Assert.Equal(frozen.Rounds[0].Global, r.Global));
        Assert.NotEqual(plain.Rounds[^1].Global, frozen.Rounds[^1].Global);
        Assert.Equal(plain.Rounds.Select(r => r.BytesUp), frozen.Rounds.Select(r => r.BytesUp));
    }

    [Theory]
    [InlineData(FedLlmFramework.Id)]
    [InlineData(SplitFramework.Id)]
    public void ScalingTheUpdateByOne_ChangesNothing_BitForBit(string framework)
    {
        var spec = TinySpecs.FedLlm(clients: 3, rounds: 2) with { Framework = framework };
        var wrapped = new RunExecutor(TinySpecs.Engine with { AggregatorWrappers = [new ScaledUpdateWrapping(1)] }).Execute(Guid.NewGuid(), spec, new RecordingSink(), CancellationToken.None);
        var plain = TinySpecs.Run(spec);
        Assert.Equal(plain.Rounds.Select(r => r.Global), wrapped.Rounds.Select(r => r.Global));
    }
}
