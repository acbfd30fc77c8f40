using FedLab.Engine.Federation;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Performance;

/// <summary>
/// Issue 16: batched clients are on by default only where they are faster (a CUDA device). On the CPU a spec without a
/// clientBatching section trains clients one by one, and the engine option overrides the device's default.
/// </summary>
public sealed class BatchingDefaultTests
{
    /// <summary>Four IID clients of equal size, so that a batched round trains them as one group.</summary>
    private static RunSpec Spec() => TinySpecs.FedLlm(clients: 4, rounds: 2) with { Partition = new PartitionSpec { Kind = PartitionMethod.Iid, Clients = 4 } };

    [Fact]
    public void OnTheCpu_BatchingIsOffByDefault()
    {
        Assert.False(BatchedRound.DefaultOn(CPU));
        var spec = Spec();
        Assert.Null(spec.ClientBatching);
        var unsaid = TinySpecs.Run(spec);
        var off = TinySpecs.Run(spec with { ClientBatching = new ClientBatchingSpec { Enabled = false } });
        var on = TinySpecs.Run(spec with { ClientBatching = new ClientBatchingSpec { Enabled = true } });
        Assert.True(unsaid.Status == RunStatus.Finished, unsaid.Error);
        Assert.Equal(off.ClientRounds.Select(c => c.TrainLoss), unsaid.ClientRounds.Select(c => c.TrainLoss));
        // The tiny spec trains with dropout, whose masks a batched group draws together: batching shows in the numbers.
        Assert.NotEqual(on.ClientRounds.Select(c => c.TrainLoss), unsaid.ClientRounds.Select(c => c.TrainLoss));
    }

    [Fact]
    public void TheEngineOption_DecidesWhenTheSpecDoesNotSay()
    {
        var spec = Spec();
        var engine = TinySpecs.Engine with { ClientBatching = true };
        var byEngine = new RunExecutor(engine).Execute(Guid.NewGuid(), spec, new RecordingSink(), CancellationToken.None);
        var bySpec = TinySpecs.Run(spec with { ClientBatching = new ClientBatchingSpec { Enabled = true } });
        Assert.True(byEngine.Status == RunStatus.Finished, byEngine.Error);
        Assert.Equal(bySpec.ClientRounds.Select(c => c.TrainLoss), byEngine.ClientRounds.Select(c => c.TrainLoss));
        // And the spec wins over the engine.
        var specOff = new RunExecutor(engine).Execute(Guid.NewGuid(), spec with { ClientBatching = new ClientBatchingSpec { Enabled = false } }, new RecordingSink(), CancellationToken.None);
        Assert.Equal(TinySpecs.Run(spec).ClientRounds.Select(c => c.TrainLoss), specOff.ClientRounds.Select(c => c.TrainLoss));
    }

    [Fact]
    public void AGenerativeRunWithBatchingAsked_TrainsItsClientsOneByOne()
    {
        var spec = Tasks.Generative.GenerativeSpecs.FedLlm(FedLab.Tests.Shared.TinyDecoders.Llama, clients: 2, rounds: 1);
        var asked = TinySpecs.Run(spec with { ClientBatching = new ClientBatchingSpec { Enabled = true } });
        var off = TinySpecs.Run(spec with { ClientBatching = new ClientBatchingSpec { Enabled = false } });
        Assert.True(asked.Status == RunStatus.Finished, asked.Error);
        Assert.Equal(off.ClientRounds.Select(c => c.TrainLoss), asked.ClientRounds.Select(c => c.TrainLoss));
    }
}
