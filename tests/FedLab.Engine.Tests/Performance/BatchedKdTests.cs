using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Remote;
using FedLab.Engine.Frameworks.KdFedLlm;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Frameworks;
using FedLab.Engine.Tests.Runs;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Performance;

/// <summary>
/// Issue 16, KD-FedLLM's client work batched: clients of one architecture, each from its OWN state, trained, answering
/// on the public set and distilling together end where they end one by one (<see cref="KdClientProgram"/>).
/// </summary>
public sealed class BatchedKdTests(ITestOutputHelper output)
{
    private double _worst;

    private const int Round = 1;

    /// <summary>Dropout off (its masks are drawn per group, not per client), 10 local and 10 distillation steps.</summary>
    private static RunSpec Spec(FineTuneKind mode = FineTuneKind.Lora, string model = "tiny", int clients = 4, KdOptions? kd = null) =>
        ContractSpecs.Kd(clients, rounds: 2, seed: 5, kd ?? new KdOptions { PublicSize = 24, DistillationSteps = 10 }) with
        {
            Model = model,
            FineTune = new FineTuneSpec { Mode = mode, Lora = new LoraSpec { Rank = 2, Alpha = 4, Dropout = 0, Targets = ["query", "key", "value", "output"] } },
            Training = TinySpecs.FedLlm().Training with { LocalSteps = 10, Dropout = 0 },
        };

    [Theory]
    [InlineData(FineTuneKind.Lora, "tiny")]
    [InlineData(FineTuneKind.Lora, "tiny4")]
    [InlineData(FineTuneKind.Full, "tiny")]
    public void BatchedShare_GivesEachClientItsOwnState_AndPublicLogProbs_Within1e5Relative(FineTuneKind mode, string model)
    {
        var spec = Spec(mode, model);
        using var env = RunEnvironment.Create(spec, TinySpecs.Engine);
        using var side = new KdClientSide(env, TinySpecs.Engine.Models);
        var clients = FullClients(env);
        var sequential = OwnStarts(side, spec.Partition.Clients);
        var batched = OwnStarts(side, spec.Partition.Clients);
        var starts = OwnStarts(side, spec.Partition.Clients);
        try
        {
            var program = new KdClientProgram(side, sequential);
            var alone = clients.ToDictionary(c => c, c => program.Handle(new ClientCall(KdClientProgram.Name, KdClientProgram.Share, Round, c, []), CancellationToken.None));
            using var round = new KdBatchedRound(side, batched, Round, clients, maxPerGroup: 8);
            Assert.All(clients, c => Assert.Equal(clients, round.ShareGroupOf(c)));
            foreach (var c in clients)
            {
                var (upload, result) = round.Share(c, CancellationToken.None);
                var expected = alone[c];
                Assert.Equal(expected.Result!.Flops, result.Flops); // what the client's work costs alone
                Assert.Equal(expected.Result.Examples, result.Examples);
                Assert.Equal(expected.Result.MeanLoss, result.MeanLoss, 4);
                Assert.Equal(expected.Payloads[0].Bytes.Length, upload.Bytes.Length);
                using var expectedLogProbs = LogitsCodec.Decode(expected.Payloads[0], side.Classes, env.Device);
                using var actualLogProbs = LogitsCodec.Decode(upload, side.Classes, env.Device);
                AssertClose($"public log-probabilities of client {c}", expectedLogProbs, actualLogProbs);
                AssertSameStates(c, starts[c]!, sequential[c]!, batched[c]!);
            }
            output.WriteLine($"{mode} {model}: worst relative difference {_worst:G3}");
            // Clients differ from one another (own starts, own data), so the equalities above are not trivial.
            Assert.True((batched[clients[0]]!.Tensors[0].Value - batched[clients[1]]!.Tensors[0].Value).norm().item<float>() > 0);
        }
        finally
        {
            DisposeAll(sequential, batched, starts);
        }
    }

    [Theory]
    [InlineData(FineTuneKind.Lora)]
    [InlineData(FineTuneKind.Full)]
    public void BatchedDistillation_TowardsTheConsensus_EqualsOneByOne_Within1e5Relative(FineTuneKind mode)
    {
        var spec = Spec(mode);
        using var env = RunEnvironment.Create(spec, TinySpecs.Engine);
        using var side = new KdClientSide(env, TinySpecs.Engine.Models);
        var clients = FullClients(env);
        var sequential = OwnStarts(side, spec.Partition.Clients);
        var batched = OwnStarts(side, spec.Partition.Clients);
        var starts = OwnStarts(side, spec.Partition.Clients);
        try
        {
            // A teacher the clients did not produce: seeded log-probabilities on the public set.
            Payload consensus;
            using (var scope = NewDisposeScope())
            {
                random.manual_seed(77);
                consensus = LogitsCodec.Encode(nn.functional.log_softmax(randn(side.Public.Count, side.Classes, device: env.Device) * 2, 1), null, WirePrecision.Fp32);
            }
            var program = new KdClientProgram(side, sequential);
            var alone = clients.ToDictionary(c => c, c => program.Handle(new ClientCall(KdClientProgram.Name, KdClientProgram.Distil, Round, c, [consensus]), CancellationToken.None));
            using var round = new KdBatchedRound(side, batched, Round, [], maxPerGroup: 8);
            round.PlanDistillation(clients);
            foreach (var c in clients)
            {
                Assert.True(round.DistilsInGroup(c));
                var (flops, seconds) = round.Distil(c, consensus, CancellationToken.None);
                Assert.Equal(alone[c].Result!.Flops, flops);
                Assert.True(seconds > 0);
                AssertSameStates(c, starts[c]!, sequential[c]!, batched[c]!);
            }
            output.WriteLine($"{mode}: worst relative difference {_worst:G3}");
        }
        finally
        {
            DisposeAll(sequential, batched, starts);
        }
    }

    [Fact]
    public void BatchedKdRuns_AreDeterministicBySeed_AndMatchOneByOne()
    {
        var spec = Spec() with { ClientBatching = new ClientBatchingSpec { Enabled = true, MaxClientsPerGroup = 2 } };
        var first = TinySpecs.Run(spec);
        var second = TinySpecs.Run(spec);
        Assert.True(first.Status == RunStatus.Finished, first.Error);
        Assert.Equal(first.Rounds.Select(r => r.Global), second.Rounds.Select(r => r.Global));
        Assert.Equal(first.ClientRounds.Select(c => (c.ClientId, c.Accuracy, c.TrainLoss)), second.ClientRounds.Select(c => (c.ClientId, c.Accuracy, c.TrainLoss)));

        var off = TinySpecs.Run(spec with { ClientBatching = new ClientBatchingSpec { Enabled = false } });
        Assert.True(off.Status == RunStatus.Finished, off.Error);
        // Per client: the same payloads through its own link and the FLOPs of its work alone.
        Assert.Equal(off.ClientRounds.Select(c => (c.Round, c.ClientId, c.BytesDown, c.BytesUp, c.Examples, c.Flops)),
            first.ClientRounds.Select(c => (c.Round, c.ClientId, c.BytesDown, c.BytesUp, c.Examples, c.Flops)));
        Assert.All(first.ClientRounds, c => Assert.True(c.Seconds > 0));
        // The same training up to summation order: the models' metrics agree closely.
        foreach (var (batchedRound, alone) in first.Rounds.Zip(off.Rounds))
        {
            Assert.Equal(alone.Global.Loss, batchedRound.Global.Loss, 3);
            Assert.Equal(alone.Global.Accuracy, batchedRound.Global.Accuracy, 2);
        }
    }

    [Fact]
    public void HeterogeneousClientModels_GroupPerArchitecture_AndMatchOneByOne()
    {
        var kd = new KdOptions
        {
            PublicSize = 24,
            DistillationSteps = 3,
            ClientModels = [new KdClientModel { Model = "tiny" }, new KdClientModel { Model = "tiny4" }, new KdClientModel { Model = "tiny4", Layers = 3 }],
        };
        var spec = Spec(clients: 6, kd: kd) with { Training = Spec().Training with { LocalSteps = 3 }, ClientBatching = new ClientBatchingSpec { Enabled = true } };
        using (var env = RunEnvironment.Create(spec, TinySpecs.Engine))
        using (var side = new KdClientSide(env, TinySpecs.Engine.Models))
        using (var round = new KdBatchedRound(side, new TrainableState?[6], Round, [0, 1, 2, 3, 4, 5], maxPerGroup: 8))
        {
            var full = FullClients(env).ToHashSet();
            for (int c = 0; c < 6; c++)
            {
                // Clients c and c + 3 share an architecture (entry c % 3); they group when their steps and batch agree.
                var group = round.ShareGroupOf(c);
                Assert.All(group, m => Assert.Same(side.ArchitectureOf[c], side.ArchitectureOf[m]));
                Assert.Equal(full.Contains(c) && full.Contains((c + 3) % 6), group.Count == 2);
            }
        }
        var on = TinySpecs.Run(spec);
        var off = TinySpecs.Run(spec with { ClientBatching = new ClientBatchingSpec { Enabled = false } });
        Assert.True(on.Status == RunStatus.Finished, on.Error);
        Assert.Equal(off.ClientRounds.Select(c => (c.Round, c.ClientId, c.BytesUp, c.Flops)), on.ClientRounds.Select(c => (c.Round, c.ClientId, c.BytesUp, c.Flops)));
        foreach (var (a, b) in on.ClientRounds.Zip(off.ClientRounds))
        {
            Assert.Equal(b.TrainLoss, a.TrainLoss, 4);
        }
        Assert.Equal(off.Rounds[^1].Global.Loss, on.Rounds[^1].Global.Loss, 3);
    }

    /// <summary>Clients with at least a full batch: they take the same steps with the same batch size, so they group.</summary>
    private static List<int> FullClients(RunEnvironment env)
    {
        var clients = Enumerable.Range(0, env.Spec.Partition.Clients).Where(c => env.Partition.ClientIndices[c].Length >= env.Spec.Training.BatchSize).ToList();
        Assert.True(clients.Count >= 2, "the tiny partition gives at least two full clients");
        return clients;
    }

    /// <summary>Every client its own start: its architecture's initial state plus seeded noise of its own.</summary>
    private static TrainableState?[] OwnStarts(KdClientSide side, int clients)
    {
        var states = new TrainableState?[clients];
        using var _ = no_grad();
        for (int c = 0; c < clients; c++)
        {
            states[c] = side.ArchitectureOf[c].Initial.Clone();
            random.manual_seed(1000 + c);
            foreach (var (_, value) in states[c]!.Tensors)
            {
                using var noise = randn(value.shape, device: value.device);
                value.add_(noise, 0.01);
            }
        }
        return states;
    }

    private void AssertSameStates(int client, TrainableState start, TrainableState expected, TrainableState actual)
    {
        Assert.Equal(expected.Tensors.Select(t => t.Key), actual.Tensors.Select(t => t.Key));
        for (int i = 0; i < expected.Tensors.Count; i++)
        {
            var (name, value) = expected.Tensors[i];
            double moved = (value - start.Tensors[i].Value).norm().item<float>();
            Assert.True(moved > 0, $"{name} of client {client} did not train");
            AssertClose($"{name} of client {client}", value, actual.Tensors[i].Value);
        }
    }

    private void AssertClose(string what, Tensor expected, Tensor actual)
    {
        using var scope = NewDisposeScope();
        double relative = (actual - expected).norm().item<float>() / expected.norm().item<float>();
        _worst = Math.Max(_worst, relative);
        Assert.True(relative <= 1e-5, $"{what}: relative difference {relative:G3}");
    }

    private static void DisposeAll(params TrainableState?[][] arrays)
    {
        foreach (var state in arrays.SelectMany(a => a))
        {
            state?.Dispose();
        }
    }
}

/// <summary>The KD contract (consensus) with batching on: groups of two, so a round has a group and a client alone.</summary>
public sealed class BatchedKdContractTests : FedLab.Engine.Tests.Frameworks.FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) =>
        ContractSpecs.Kd(clients, rounds, seed, new KdOptions { Variant = KdVariant.Consensus, PublicSize = 24, DistillationSteps = 2 }) with
        {
            ClientBatching = new ClientBatchingSpec { Enabled = true, MaxClientsPerGroup = 2 },
        };

    protected override IReadOnlySet<PayloadKind> Kinds => ContractSpecs.Set(PayloadKind.Logits);

    protected override bool ReportsClientAccuracy => true;
}

/// <summary>The KD contract (server distillation, full fine-tuning, top-1 fp16 logits) with batching on.</summary>
public sealed class BatchedKdFullContractTests : FedLab.Engine.Tests.Frameworks.FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) =>
        ContractSpecs.Kd(clients, rounds, seed, new KdOptions
        {
            Variant = KdVariant.ServerDistillation,
            PublicSize = 24,
            DistillationSteps = 2,
            ServerDistillationSteps = 3,
            TopK = 1,
            LogitPrecision = WirePrecision.Fp16,
        }) with
        {
            FineTune = new FineTuneSpec { Mode = FineTuneKind.Full },
            ClientBatching = new ClientBatchingSpec { Enabled = true, MaxClientsPerGroup = 2 },
        };

    protected override IReadOnlySet<PayloadKind> Kinds => ContractSpecs.Set(PayloadKind.Logits);

    protected override bool ReportsClientAccuracy => true;
}
