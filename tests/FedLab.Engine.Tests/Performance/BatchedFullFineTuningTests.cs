using FedLab.Engine.Federation;
using FedLab.Engine.Models;
using FedLab.Engine.Performance;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;
using FedLab.Tests.Shared;
using TorchSharp.Modules;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Performance;

/// <summary>
/// Issue 16, full fine-tuning: clients trained together in one batched pass, every weight, LayerNorm and embedding
/// stacked per client, end with the weights they reach one by one.
/// </summary>
public sealed class BatchedFullFineTuningTests(ITestOutputHelper output)
{
    /// <summary>Dropout off (its masks are drawn per group, not per client), 10 local steps, four clients, every weight trained.</summary>
    private static RunSpec Spec(string model = "tiny", double proxMu = 0, int maxTokens = 24, PrecisionKind precision = PrecisionKind.Fp32) => TinySpecs.FedLlm(clients: 4, rounds: 1, mode: FineTuneKind.Full) with
    {
        Model = model,
        Precision = precision,
        Dataset = TinySpecs.FedLlm().Dataset with { MaxTokens = maxTokens },
        Training = TinySpecs.FedLlm().Training with { LocalSteps = 10, Dropout = 0 },
        FedLlm = new FedLlmOptions { ProxMu = proxMu },
    };

    [Theory]
    [InlineData("tiny", 0.0, 24)]
    [InlineData("tiny", 0.1, 24)]
    [InlineData("tiny4", 0.0, 24)]
    [InlineData("tiny", 0.0, 160)] // emails of many lengths: a client's batch is padded further in its group than alone
    [InlineData("tiny", 0.0, 24, PrecisionKind.Bf16)] // bf16 matmuls of float32 weights, as the sequential layer casts them
    public void BatchedFull_EqualsSequential_Within1e5Relative_After10Steps(string model, double proxMu, int maxTokens, PrecisionKind precision = PrecisionKind.Fp32)
    {
        if (precision == PrecisionKind.Bf16 && !CpuFeatures.SupportsBf16)
        {
            return; // bf16 is refused on such a CPU; this machine (Zen 4) reports it
        }
        var spec = Spec(model, proxMu, maxTokens, precision);
        using var env = RunEnvironment.Create(spec, TinySpecs.Engine);
        Assert.True(BatchedClientTrainer.Supports(env));
        using var start = TrainableState.Capture(env.Trainable);
        // Every trainable tensor: embeddings, LayerNorms, every linear's weight and bias, the head.
        Assert.Equal(env.Model.parameters().Count(), start.Tensors.Count);
        Assert.Contains(start.Tensors, t => t.Key.EndsWith("word_embeddings.weight", StringComparison.Ordinal));
        Assert.Contains(start.Tensors, t => t.Key.EndsWith("LayerNorm.bias", StringComparison.Ordinal));
        // Every client at least a batch, so all share one group (same steps, same batch size).
        var clients = Enumerable.Range(0, 4).Where(c => env.Partition.ClientIndices[c].Length >= spec.Training.BatchSize).ToList();
        Assert.True(clients.Count >= 3, "the tiny partition gives at least three full clients");
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
        // Informational (a shared machine): local training time of the group against the clients one by one.
        output.WriteLine($"training seconds: sequential {sequential.Sum(s => s.Result.Seconds):F3}, batched {batched.Sum(b => b.Result.Seconds):F3}");

        try
        {
            Assert.Equal(jobs.Count, batched.Count);
            double worst = 0;
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
                    worst = Math.Max(worst, relative);
                    Assert.True(relative <= 1e-5, $"{name} of client {jobs[c].ClientId}: relative difference {relative:G3}");
                }
            }
            // Clients differ from one another (each trained on its own data), so equality above is not trivial.
            for (int i = 0; i < start.Tensors.Count; i++)
            {
                double apart = (batched[0].State.Tensors[i].Value - batched[1].State.Tensors[i].Value).norm().item<float>();
                Assert.True(apart > 0, $"{start.Tensors[i].Key} is the same for two clients");
            }
            output.WriteLine($"worst relative difference over {start.Tensors.Count} tensors x {jobs.Count} clients: {worst:G3}");
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
    public void BatchedFullRuns_AreDeterministicBySeed_AndTrainEveryClient()
    {
        var spec = TinySpecs.FedLlm(clients: 5, rounds: 2, mode: FineTuneKind.Full) with { ClientBatching = new ClientBatchingSpec { Enabled = true, MaxClientsPerGroup = 2 } };
        using (var env = RunEnvironment.Create(spec, TinySpecs.Engine))
        {
            Assert.True(BatchedRound.Setting(env, TinySpecs.Engine).On);
        }
        var first = TinySpecs.Run(spec);
        var second = TinySpecs.Run(spec);
        Assert.True(first.Status == RunStatus.Finished, first.Error);
        Assert.Equal(first.Rounds.Select(r => r.Global), second.Rounds.Select(r => r.Global));
        Assert.Equal(first.ClientRounds.Select(c => c.TrainLoss), second.ClientRounds.Select(c => c.TrainLoss));
        Assert.Equal(10, first.ClientRounds.Count);
        Assert.All(first.ClientRounds, c => Assert.True(c.BytesUp > 0 && c.Flops > 0 && double.IsFinite(c.TrainLoss)));
        var off = TinySpecs.Run(spec with { ClientBatching = new ClientBatchingSpec { Enabled = false } });
        Assert.Equal(off.ClientRounds.Select(c => (c.ClientId, c.BytesUp, c.Examples)), first.ClientRounds.Select(c => (c.ClientId, c.BytesUp, c.Examples)));
        // Same training up to float summation order and the group's dropout masks: close, not equal.
        Assert.NotEqual(off.ClientRounds.Select(c => c.TrainLoss), first.ClientRounds.Select(c => c.TrainLoss));
        Assert.All(off.ClientRounds.Zip(first.ClientRounds), p => Assert.Equal(p.First.TrainLoss, p.Second.TrainLoss, 0.2));
    }

    [Fact]
    public void FullFineTuningOfADecoder_FallsBackToSequentialTraining()
    {
        var spec = TinySpecs.FedLlm(clients: 3, rounds: 1, mode: FineTuneKind.Full) with
        {
            Model = TinyDecoders.Folder(TinyDecoders.Gpt2),
            ClientBatching = new ClientBatchingSpec { Enabled = true, MaxClientsPerGroup = 3 },
        };
        using (var env = RunEnvironment.Create(spec, TinySpecs.Engine))
        {
            Assert.False(env.Model.Backbone.AppliesPerClientParameters);
            Assert.False(BatchedClientTrainer.Supports(env));
            Assert.False(BatchedRound.Setting(env, TinySpecs.Engine).On);
        }
        var on = TinySpecs.Run(spec);
        var off = TinySpecs.Run(spec with { ClientBatching = new ClientBatchingSpec { Enabled = false } });
        Assert.True(on.Status == RunStatus.Finished, on.Error);
        Assert.Equal(off.ClientRounds.Select(c => c.TrainLoss), on.ClientRounds.Select(c => c.TrainLoss));
        Assert.Equal(off.Rounds.Select(r => r.Global), on.Rounds.Select(r => r.Global));
    }

    [Fact]
    public void PerClientModules_ApplyEachClientsParameters_ToItsOwnRows()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        const int clients = 3, rows = 2, tokens = 4, width = 6, vocabulary = 10;
        using var linear = new AdaptableLinear(width, 5, CPU);
        using var norm = nn.LayerNorm(width, 1e-12);
        using var table = nn.Embedding(vocabulary, width);
        var linearW = randn(clients, 5, width);
        var linearB = randn(clients, 5);
        var normW = randn(clients, width);
        var normB = randn(clients, width);
        var tableW = randn(clients, vocabulary, width);
        var x = randn(clients * rows, tokens, width);
        var ids = randint(0L, vocabulary, new long[] { clients * rows, tokens }, dtype: ScalarType.Int64);
        PerClientParameters.Register(linear, clients, linearW, linearB);
        PerClientParameters.Register(norm, clients, normW, normB);
        PerClientParameters.Register(table, clients, tableW, null);
        Tensor y, n, e;
        try
        {
            y = linear.forward(x);
            n = PerClientParameters.LayerNorm(norm, x);
            e = PerClientParameters.Lookup(table, ids);
        }
        finally
        {
            PerClientParameters.Unregister(linear);
            PerClientParameters.Unregister(norm);
            PerClientParameters.Unregister(table);
        }
        Assert.Null(PerClientParameters.For(linear)); // unregistered: the module's own parameters again
        for (int c = 0; c < clients; c++)
        {
            var own = x.narrow(0, c * rows, rows);
            var ownIds = ids.narrow(0, c * rows, rows);
            Assert.True(nn.functional.linear(own, linearW[c], linearB[c]).allclose(y.narrow(0, c * rows, rows), 1e-5, 1e-6), $"linear, client {c}");
            Assert.True(nn.functional.layer_norm(own, [width], normW[c], normB[c], 1e-12).allclose(n.narrow(0, c * rows, rows), 1e-5, 1e-6), $"LayerNorm, client {c}");
            Assert.True(tableW[c].index_select(0, ownIds.flatten()).view(rows, tokens, width).allclose(e.narrow(0, c * rows, rows), 0, 0), $"embedding, client {c}");
        }
        // Another client's parameters give other rows, so the comparisons above can fail.
        Assert.False(nn.functional.linear(x.narrow(0, 0, rows), linearW[1], linearB[1]).allclose(y.narrow(0, 0, rows), 1e-5, 1e-6));
    }

    [Fact]
    public void AModuleComputedWithItsOwnParameters_IsCaughtAfterTheFirstForward()
    {
        using var env = RunEnvironment.Create(TinySpecs.FedLlm(mode: FineTuneKind.Full), TinySpecs.Engine);
        var stacked = new Dictionary<string, Parameter>();
        try
        {
            foreach (var (name, parameter) in env.Trainable)
            {
                stacked[name] = new Parameter(parameter.detach().unsqueeze(0).clone());
            }
            using (var binding = PerClientModel.Register(env.Model, stacked, 1))
            {
                using var ids = tensor(new long[] { 101, 2023, 102 }).view(1, 3);
                using var embedded = env.Model.Backbone.Embed(ids); // the embeddings only: no encoder layer ran
                var error = Assert.Throws<InvalidOperationException>(binding.CheckApplied);
                Assert.Contains("encoder.layer.0", error.Message, StringComparison.Ordinal);
            }
            Assert.Null(PerClientParameters.For(env.Model.modules().OfType<AdaptableLinear>().First()));
            // A trainable tensor that no module applies per client is refused before training.
            stacked["extra.weight"] = new Parameter(zeros(1, 2));
            var uncovered = Assert.Throws<InvalidOperationException>(() => PerClientModel.Register(env.Model, stacked, 1));
            Assert.Contains("extra.weight", uncovered.Message, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var p in stacked.Values)
            {
                p.Dispose();
            }
        }
    }
}

/// <summary>The FedLLM contract with full fine-tuning batched (groups of two, so a round has several groups).</summary>
public sealed class BatchedFullFedLlmContractTests : FedLab.Engine.Tests.Frameworks.FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) =>
        TinySpecs.FedLlm(clients, rounds, FineTuneKind.Full, seed) with
        {
            FedLlm = new FedLlmOptions { ProxMu = 0.01, ServerOptimizer = ServerOptimizerKind.Adam, ServerLearningRate = 0.05 },
            ClientBatching = new ClientBatchingSpec { Enabled = true, MaxClientsPerGroup = 2 },
        };

    protected override IReadOnlySet<PayloadKind> Kinds => FedLab.Engine.Tests.Frameworks.ContractSpecs.Set(PayloadKind.Parameters);
}
