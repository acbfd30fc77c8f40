using FedLab.Engine.Federation;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Performance;

/// <summary>Issue 16: clients trained together in one batched pass end with the adapters they reach one by one.</summary>
public sealed class BatchedTrainingTests
{
    /// <summary>Dropout off (its masks are drawn per group, not per client), 10 local steps, four clients.</summary>
    private static RunSpec Spec(double proxMu = 0) => TinySpecs.FedLlm(clients: 4, rounds: 1) with
    {
        Training = TinySpecs.FedLlm().Training with { LocalSteps = 10, Dropout = 0 },
        FineTune = new FineTuneSpec { Mode = FineTuneKind.Lora, Lora = new LoraSpec { Rank = 2, Alpha = 4, Dropout = 0, Targets = ["query", "key", "value", "output"] } },
        FedLlm = new FedLlmOptions { ProxMu = proxMu },
    };

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    public void BatchedLora_EqualsSequential_Within1e5Relative_After10Steps(double proxMu)
    {
        var spec = Spec(proxMu);
        using var env = RunEnvironment.Create(spec, TinySpecs.Engine);
        using var start = TrainableState.Capture(env.Trainable);
        // Every client at least a batch, so all four share one group (same steps, same batch size).
        var clients = Enumerable.Range(0, 4).Where(c => env.Partition.ClientIndices[c].Length >= spec.Training.BatchSize).ToList();
        Assert.True(clients.Count >= 2, "the tiny partition gives at least two full clients");
        var jobs = clients.Select(c => new ClientJob(c, env.Partition.ClientIndices[c], 10, SeedMix.Derive(spec.Seed, 1, c))).ToList();

        var trainer = new LocalTrainer(env);
        var sequential = new List<(LocalTrainingResult Result, TrainableState State)>();
        foreach (var job in jobs)
        {
            start.LoadInto(env.Trainable);
            var result = trainer.Train(job.Indices, job.Steps, job.Seed, proxMu > 0 ? start : null, proxMu, CancellationToken.None);
            sequential.Add((result, TrainableState.Capture(env.Trainable)));
        }
        start.LoadInto(env.Trainable);
        var batched = new BatchedClientTrainer(env).Train(jobs, start, proxMu > 0 ? start : null, proxMu, CancellationToken.None);

        try
        {
            Assert.Equal(jobs.Count, batched.Count);
            for (int c = 0; c < jobs.Count; c++)
            {
                var (seqResult, seqState) = sequential[c];
                var (batResult, batState) = batched[c];
                Assert.Equal(seqResult.Examples, batResult.Examples);
                Assert.Equal(seqResult.MeanLoss, batResult.MeanLoss, 4);
                for (int i = 0; i < seqState.Tensors.Count; i++)
                {
                    var (name, expected) = seqState.Tensors[i];
                    var actual = batState.Tensors[i].Value;
                    Assert.Equal(name, batState.Tensors[i].Key);
                    double moved = (expected - start.Tensors[i].Value).norm().item<float>();
                    Assert.True(moved > 0, $"{name} of client {jobs[c].ClientId} did not train");
                    double relative = (actual - expected).norm().item<float>() / expected.norm().item<float>();
                    Assert.True(relative <= 1e-5, $"{name} of client {jobs[c].ClientId}: relative difference {relative:G3}");
                }
            }
            // Clients differ from one another (each trained on its own data), so equality above is not trivial.
            Assert.True((batched[0].State.Tensors[0].Value - batched[1].State.Tensors[0].Value).norm().item<float>() > 0);
        }
        finally
        {
            foreach (var (_, s) in sequential.Concat(batched))
            {
                s.Dispose();
            }
        }
    }

    [Fact]
    public void BatchedRuns_AreDeterministicBySeed_AndTrainEveryClient()
    {
        var spec = TinySpecs.FedLlm(clients: 5, rounds: 2) with { ClientBatching = new ClientBatchingSpec { Enabled = true, MaxClientsPerGroup = 2 } };
        var first = TinySpecs.Run(spec);
        var second = TinySpecs.Run(spec);
        Assert.True(first.Status == RunStatus.Finished, first.Error);
        Assert.Equal(first.Rounds.Select(r => r.Global), second.Rounds.Select(r => r.Global));
        Assert.Equal(10, first.ClientRounds.Count);
        Assert.All(first.ClientRounds, c => Assert.True(c.BytesUp > 0 && c.Flops > 0 && double.IsFinite(c.TrainLoss)));
        var off = TinySpecs.Run(spec with { ClientBatching = new ClientBatchingSpec { Enabled = false } });
        Assert.Equal(off.ClientRounds.Select(c => (c.ClientId, c.BytesUp, c.Examples)), first.ClientRounds.Select(c => (c.ClientId, c.BytesUp, c.Examples)));
    }

    [Fact]
    public void MaxClientsPerGroup_OutOfRange_IsRefusedAtItsPath()
    {
        var spec = TinySpecs.FedLlm() with { ClientBatching = new ClientBatchingSpec { MaxClientsPerGroup = 0 } };
        var error = Assert.Single(new RunSpecValidator(() => false).Validate(spec));
        Assert.Equal("clientBatching.maxClientsPerGroup", error.Field);
    }
}

/// <summary>The FedLLM contract with batching on (groups of two, so a round has several groups).</summary>
public sealed class BatchedFedLlmContractTests : FedLab.Engine.Tests.Frameworks.FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) =>
        TinySpecs.FedLlm(clients, rounds, seed: seed) with
        {
            FedLlm = new FedLlmOptions { ProxMu = 0.01, ServerOptimizer = ServerOptimizerKind.Adam, ServerLearningRate = 0.05 },
            ClientBatching = new ClientBatchingSpec { Enabled = true, MaxClientsPerGroup = 2 },
        };

    protected override IReadOnlySet<PayloadKind> Kinds => FedLab.Engine.Tests.Frameworks.ContractSpecs.Set(PayloadKind.Parameters);
}
