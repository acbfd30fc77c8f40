using FedLab.Engine.Federation;
using FedLab.Engine.Frameworks.SplitFedLlm;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Performance;

/// <summary>
/// Issue 16: SplitFed's client half trained for a group of clients in one batched pass. The batched group feeds the shared
/// server part in lockstep order (client 1 step 1, client 2 step 1, …), so its reference is that same lockstep schedule
/// run one client at a time (<see cref="Lockstep"/>), not today's one-client-after-another order.
/// </summary>
public sealed class BatchedSplitTests
{
    /// <summary>
    /// tiny4 cut at 2 (LoRA on both sides), three IID clients of equal size, 10 steps, dropout off; short texts (fortunes, up to 32 tokens), so
    /// that clients' batches differ in length and the group pads them to its longest.
    /// </summary>
    /// <param name="padded">False: emails cut at 24 tokens, every batch of the same length (nothing padded further in the group).</param>
    private static RunSpec Spec(FineTuneKind mode = FineTuneKind.Lora, WirePrecision precision = WirePrecision.Fp32, int clients = 3, int rounds = 1, bool padded = true) =>
        TinySpecs.FedLlm(clients, rounds) with
        {
            Model = "tiny4",
            Dataset = padded ? new DatasetSpec { Name = "fortunes", MaxTokens = 32, TrainLimit = 120, TestLimit = 40 } : TinySpecs.FedLlm().Dataset,
            Framework = SplitFramework.Id,
            Split = new SplitOptions { CutLayer = 2, Variant = SplitVariant.SplitFed, ActivationPrecision = precision },
            Partition = new PartitionSpec { Kind = PartitionMethod.Iid, Clients = clients },
            Training = TinySpecs.FedLlm().Training with { Rounds = rounds, LocalSteps = 10, Dropout = 0 },
            FineTune = new FineTuneSpec { Mode = mode, Lora = new LoraSpec { Rank = 2, Alpha = 4, Dropout = 0, Targets = ["query", "key", "value", "output"] } },
        };

    /// <remarks>
    /// fp16 on the wire: a difference of float32 summation order in the client's activations (the group pads a client's
    /// batch further than it is alone) can round an element to the neighbouring fp16 value, so that case is held to 1e-4
    /// (measured 1.6e-5; fp32: 1.3e-6 for LoRA, 5.7e-7 for full fine-tuning). Unpadded (every batch of one length), the
    /// group reproduces the lockstep reference bit for bit on this CPU, key biases included (measured).
    /// </remarks>
    [Theory]
    [InlineData(FineTuneKind.Lora, WirePrecision.Fp32, 1e-5, true)]
    [InlineData(FineTuneKind.Lora, WirePrecision.Fp16, 1e-4, true)]
    [InlineData(FineTuneKind.Full, WirePrecision.Fp32, 1e-5, true)]
    [InlineData(FineTuneKind.Full, WirePrecision.Fp32, 1e-5, false)]
    [InlineData(FineTuneKind.HeadOnly, WirePrecision.Fp32, 1e-5, true)]
    public void BatchedGroup_EqualsTheLockstepSchedule_ClientByClient_Within1e5Relative_After10Steps(FineTuneKind mode, WirePrecision precision, double tolerance, bool padded)
    {
        var spec = Spec(mode, precision, padded: padded);
        using var env = RunEnvironment.Create(spec, TinySpecs.Engine);
        Assert.True(SplitBatching.Supports(env));
        var parts = SplitParts.Of(env.Trainable, spec.Split.CutLayer);
        Assert.Equal(mode != FineTuneKind.HeadOnly, parts.Client.Count > 0);
        var protocol = new SplitProtocol(env.Model, spec.Split.CutLayer, precision, parts.Client.Count > 0, env.Device);
        var jobs = Enumerable.Range(0, 3).Select(c => new ClientJob(c, env.Partition.ClientIndices[c], 10, SeedMix.Derive(spec.Seed, 1, c))).ToList();
        Assert.All(jobs, j => Assert.True(j.Indices.Count >= spec.Training.BatchSize));
        Assert.Equal(padded, PadsAClientBeyondItsOwnLength(env, jobs));
        using var clientStart = TrainableState.Capture(parts.Client);
        using var serverStart = TrainableState.Capture(parts.Server);

        var batchedLinks = jobs.Select(_ => new TrafficMeter()).ToList();
        var batched = new BatchedSplitTrainer(env, parts, protocol).Train(jobs, parts.Client.Count > 0 ? clientStart : null, batchedLinks, CancellationToken.None);
        using var batchedServer = TrainableState.Capture(parts.Server);
        // The model's own client-side part is untouched by the batched group (each client's state lives in the stacks).
        using (var untouched = TrainableState.Capture(parts.Client))
        {
            AssertClose(clientStart, untouched, 0, "the model's client side", keyBiasNoise: false);
        }

        serverStart.LoadInto(parts.Server);
        var (reference, referenceLinks, referenceLosses) = Lockstep(env, parts, protocol, jobs, clientStart);
        using var referenceServer = TrainableState.Capture(parts.Server);
        try
        {
            AssertMoved(serverStart, referenceServer, "server part");
            AssertClose(referenceServer, batchedServer, tolerance, "server part", padded);
            for (int c = 0; c < jobs.Count; c++)
            {
                var (result, state) = batched[c];
                Assert.Equal(10, result.Steps);
                Assert.Equal(10 * spec.Training.BatchSize, result.Examples);
                Assert.Equal(referenceLosses[c], result.MeanLoss, 4);
                Assert.True(result.ClientFlops > 0 && result.ServerFlops > 0);
                Assert.Equal(referenceLinks[c].UpByKind, batchedLinks[c].UpByKind);
                Assert.Equal(referenceLinks[c].DownByKind, batchedLinks[c].DownByKind);
                Assert.Equal(referenceLinks[c].Messages, batchedLinks[c].Messages);
                if (parts.Client.Count == 0)
                {
                    Assert.Null(state);
                    continue;
                }
                AssertMoved(clientStart, reference[c]!, $"client {c}");
                AssertClose(reference[c]!, state!, tolerance, $"client {c}", padded);
            }
            if (parts.Client.Count > 0)
            {
                // Clients differ from one another (each trained on its own data), so the equality above is not trivial.
                Assert.True((batched[0].State!.Tensors[0].Value - batched[1].State!.Tensors[0].Value).norm().item<float>() > 0);
            }
        }
        finally
        {
            foreach (var s in reference.Concat(batched.Select(b => b.State)))
            {
                s?.Dispose();
            }
        }
    }

    /// <summary>Why the key biases are held to a looser bound above: their gradient is rounding noise, not signal.</summary>
    [Fact]
    public void KeyBiasGradient_IsRoundingNoise()
    {
        using var env = RunEnvironment.Create(Spec(FineTuneKind.Full), TinySpecs.Engine);
        using var scope = NewDisposeScope();
        var data = env.Train.MakeBatch(env.Partition.ClientIndices[0].Take(8).ToArray(), env.Device);
        env.Model.train();
        nn.functional.cross_entropy(env.Model.forward(data.InputIds, data.AttentionMask), data.Labels).backward();
        var gradient = env.Trainable.ToDictionary(p => p.Name, p => (double)p.Parameter.grad!.norm().item<float>());
        for (int layer = 0; layer < env.Model.NumLayers; layer++)
        {
            string prefix = $"backbone.encoder.layer.{layer}.attention.self.";
            Assert.True(gradient[prefix + "query.bias"] > 0);
            Assert.True(gradient[prefix + "key.bias"] < 1e-4 * gradient[prefix + "query.bias"], $"layer {layer}: key bias gradient {gradient[prefix + "key.bias"]:G3}");
        }
    }

    [Theory]
    [InlineData(FineTuneKind.Lora, WirePrecision.Fp16)]
    [InlineData(FineTuneKind.Full, WirePrecision.Fp32)]
    public void BatchedRuns_SendEveryClientTheBytesOfTheOneByOnePath_AndAreDeterministicBySeed(FineTuneKind mode, WirePrecision precision)
    {
        // Two groups of two and one of one (max 2 per group), two rounds, and the default tiny spec's dropout back on.
        var spec = Spec(mode, precision, clients: 5, rounds: 2) with { Training = Spec().Training with { Rounds = 2, LocalSteps = 3 } };
        var on = spec with { ClientBatching = new ClientBatchingSpec { Enabled = true, MaxClientsPerGroup = 2 } };
        var first = TinySpecs.Run(on);
        var second = TinySpecs.Run(on);
        var oneByOne = TinySpecs.Run(spec with { ClientBatching = new ClientBatchingSpec { Enabled = false } });
        Assert.True(first.Status == RunStatus.Finished, first.Error);
        Assert.True(oneByOne.Status == RunStatus.Finished, oneByOne.Error);
        Assert.Equal(first.Rounds.Select(r => r.Global), second.Rounds.Select(r => r.Global));
        Assert.Equal(first.ClientRounds.Select(c => c.TrainLoss), second.ClientRounds.Select(c => c.TrainLoss));
        Assert.Equal(10, first.ClientRounds.Count);
        static object Bytes(ClientRoundMetrics c) => (c.Round, c.ClientId, c.Examples, c.Steps, c.BytesUp, c.BytesDown,
            string.Join(",", c.BytesUpByKind.OrderBy(k => k.Key.Name).Select(k => $"{k.Key.Name}={k.Value}")),
            string.Join(",", c.BytesDownByKind.OrderBy(k => k.Key.Name).Select(k => $"{k.Key.Name}={k.Value}")));
        Assert.Equal(oneByOne.ClientRounds.Select(Bytes), first.ClientRounds.Select(Bytes));
        Assert.Equal(oneByOne.ClientRounds.Select(c => c.Flops), first.ClientRounds.Select(c => c.Flops));
        // The lockstep order (and the group's dropout masks) show in the numbers: batching is really on.
        Assert.NotEqual(oneByOne.ClientRounds.Select(c => c.TrainLoss), first.ClientRounds.Select(c => c.TrainLoss));
        Assert.All(first.ClientRounds, c => Assert.True(double.IsFinite(c.TrainLoss) && c.Seconds >= 0));
    }

    /// <summary>
    /// Groups of one client are the one-by-one schedule: the whole path (grouping, the trainer, the links, the upload,
    /// aggregation, metrics) then reproduces clients one by one, with the default tiny spec's dropout on.
    /// </summary>
    [Theory]
    [InlineData(FineTuneKind.Lora)]
    [InlineData(FineTuneKind.Full)]
    public void GroupsOfOne_ReproduceTheOneByOneRun(FineTuneKind mode)
    {
        var spec = Spec(mode, clients: 3, rounds: 2) with { Training = TinySpecs.FedLlm().Training with { Rounds = 2, LocalSteps = 3 } };
        var groupsOfOne = TinySpecs.Run(spec with { ClientBatching = new ClientBatchingSpec { Enabled = true, MaxClientsPerGroup = 1 } });
        var oneByOne = TinySpecs.Run(spec with { ClientBatching = new ClientBatchingSpec { Enabled = false } });
        Assert.True(groupsOfOne.Status == RunStatus.Finished, groupsOfOne.Error);
        Assert.Equal(oneByOne.ClientRounds.Select(c => (c.ClientId, c.BytesUp, c.BytesDown, c.Flops)),
            groupsOfOne.ClientRounds.Select(c => (c.ClientId, c.BytesUp, c.BytesDown, c.Flops)));
        if (mode == FineTuneKind.Lora)
        {
            // Bit for bit (measured): the adapter's batched matmul of one client is the layer's own.
            Assert.Equal(oneByOne.ClientRounds.Select(c => c.TrainLoss), groupsOfOne.ClientRounds.Select(c => c.TrainLoss));
            Assert.Equal(oneByOne.Rounds.Select(r => r.Global), groupsOfOne.Rounds.Select(r => r.Global));
            return;
        }
        // Full fine-tuning: the per-client linear (bmm, then the bias) rounds differently from the layer's addmm in the
        // last bits (measured: 3e-8 relative in the losses).
        Assert.All(oneByOne.ClientRounds.Zip(groupsOfOne.ClientRounds), p => Assert.True(Math.Abs(p.First.TrainLoss - p.Second.TrainLoss) <= 1e-5 * Math.Abs(p.First.TrainLoss)));
        Assert.All(oneByOne.Rounds.Zip(groupsOfOne.Rounds), p => Assert.True(Math.Abs(p.First.Global.Loss - p.Second.Global.Loss) <= 1e-5 * Math.Abs(p.First.Global.Loss)));
    }

    [Fact]
    public void Batching_IsOffByDefaultOnTheCpu_AndNeverForSequentialOrGenerativeRuns()
    {
        var engine = TinySpecs.Engine;
        using (var env = RunEnvironment.Create(Spec(), engine))
        {
            Assert.False(SplitBatching.Setting(env, engine).On);
            Assert.True(SplitBatching.Setting(env, engine with { ClientBatching = true }).On);
        }
        var sequential = Spec() with
        {
            Split = Spec().Split with { Variant = SplitVariant.Sequential },
            ClientBatching = new ClientBatchingSpec { Enabled = true },
        };
        using (var env = RunEnvironment.Create(sequential, engine))
        {
            Assert.False(SplitBatching.Setting(env, engine).On);
        }
        // A generative split (per-token labels) trains its clients one by one even when batching is asked for.
        var generative = FedLab.Engine.Tests.Tasks.Generative.GenerativeSpecs.Split(FedLab.Tests.Shared.TinyDecoders.Llama, 3, 1, 5) with
        {
            ClientBatching = new ClientBatchingSpec { Enabled = true },
        };
        using (var env = RunEnvironment.Create(generative, engine))
        {
            Assert.False(SplitBatching.Supports(env));
            Assert.False(SplitBatching.Setting(env, engine).On);
        }
        // A spec without the section runs exactly as clients one by one (parity on the CPU).
        var unsaid = TinySpecs.Run(Spec(rounds: 2));
        var off = TinySpecs.Run(Spec(rounds: 2) with { ClientBatching = new ClientBatchingSpec { Enabled = false } });
        Assert.Equal(off.Rounds.Select(r => r.Global), unsaid.Rounds.Select(r => r.Global));
    }

    [Fact]
    public void ClientsTheAvailabilityPlanDrops_StayOutOfTheGroup_AndNeverReachTheServer()
    {
        var spec = Spec(clients: 4, rounds: 2) with
        {
            Training = Spec().Training with { Rounds = 2, LocalSteps = 3 },
            Availability = new FedLab.Engine.Federation.Availability.AvailabilitySpec { Dropout = 0.5 },
        };
        var plan = new FedLab.Engine.Federation.Availability.AvailabilityPlan(spec);
        var dropped = Enumerable.Range(1, 2).SelectMany(r => Enumerable.Range(0, 4).Where(c => plan.Unavailable(r, c) is not null).Select(c => (r, c))).ToList();
        Assert.NotEmpty(dropped); // seed 5 drops someone in two rounds of four clients at p = 0.5
        var sink = new RecordingSink();
        var on = TinySpecs.Run(spec with { ClientBatching = new ClientBatchingSpec { Enabled = true } }, sink);
        Assert.True(on.Status == RunStatus.Finished, on.Error);
        var failures = sink.Events.OfType<ClientRoundFailed>().Select(f => (f.Failure.Round, f.Failure.ClientId)).ToList();
        Assert.Equal(dropped, failures);
        Assert.DoesNotContain(on.ClientRounds, c => dropped.Contains((c.Round, c.ClientId)));

        // The groups are formed from the clients the plan admits: a dropped client's batches never reach the server.
        using var env = RunEnvironment.Create(spec, TinySpecs.Engine);
        var parts = SplitParts.Of(env.Trainable, spec.Split.CutLayer);
        var protocol = new SplitProtocol(env.Model, spec.Split.CutLayer, spec.Split.ActivationPrecision, true, env.Device);
        var broadcast = TrainableState.Capture(parts.Client).Serialize();
        var firstRound = Enumerable.Range(0, 4).ToList();
        using var round = new BatchedSplitRound(env, new BatchedSplitTrainer(env, parts, protocol), 1, firstRound, broadcast, 8, _ => 3,
            c => plan.Unavailable(1, c) is null);
        Assert.All(firstRound, c => Assert.Equal(plan.Unavailable(1, c) is null, round.Contains(c)));
    }

    [Fact]
    public void AGroupWhoseTrainingFails_FailsEveryMember_WithItsReason_AndCountsWhatWasSent()
    {
        var spec = Spec();
        using var env = RunEnvironment.Create(spec, TinySpecs.Engine);
        var parts = SplitParts.Of(env.Trainable, spec.Split.CutLayer);
        var protocol = new SplitProtocol(env.Model, spec.Split.CutLayer, spec.Split.ActivationPrecision, true, env.Device);
        var broadcast = TrainableState.Capture(parts.Client).Serialize();
        using var round = new BatchedSplitRound(env, new BatchedSplitTrainer(env, parts, protocol), 1, [0, 1, 2], broadcast, 8, _ => 3, _ => true);
        var first = new TrafficMeter();
        int sent = 0;
        using (TrafficMeter.Observe((payload, up) =>
        {
            if (up && ++sent == 4) // client 1's labels of step 1: the group has sent four payloads
            {
                throw new InvalidOperationException("link lost");
            }
        }))
        {
            Assert.Equal("link lost", Assert.Throws<InvalidOperationException>(() => round.Take(0, first, CancellationToken.None)).Message);
        }
        Assert.True(first.Up > 0, "client 0's first activations and labels went up before the failure");
        var second = new TrafficMeter();
        Assert.Equal("link lost", Assert.Throws<InvalidOperationException>(() => round.Take(1, second, CancellationToken.None)).Message);
        Assert.Equal(2, second.Messages);
        Assert.Equal("link lost", Assert.Throws<InvalidOperationException>(() => round.Take(2, new TrafficMeter(), CancellationToken.None)).Message);
    }

    /// <summary>
    /// The reference: the lockstep schedule run one client at a time on the run's model. Per step, per client in order:
    /// its client-side state and its own client AdamW swapped in, the one-by-one protocol (bottom, codec, server step with
    /// the client's own server AdamW, codec, bottom backward, client step), its state swapped out.
    /// </summary>
    private static (TrainableState?[] States, TrafficMeter[] Links, double[] MeanLosses) Lockstep(
        RunEnvironment env, SplitParts parts, SplitProtocol protocol, IReadOnlyList<ClientJob> jobs, TrainableState clientStart)
    {
        var t = env.Spec.Training;
        int g = jobs.Count;
        bool trains = parts.Client.Count > 0;
        var clientParameters = parts.Client.Select(p => p.Parameter).ToList();
        var states = jobs.Select(_ => trains ? clientStart.Clone() : null).ToArray();
        var clientOptimizers = jobs.Select(_ => trains ? optim.AdamW(clientParameters, t.LearningRate, weight_decay: t.WeightDecay) : null).ToArray();
        var serverOptimizers = jobs.Select(_ => optim.AdamW(parts.Server.Select(p => p.Parameter).ToList(), t.LearningRate, weight_decay: t.WeightDecay)).ToArray();
        var cursors = jobs.Select(j => new BatchCursor(j.Indices, t.BatchSize, j.Seed)).ToArray();
        var links = jobs.Select(_ => new TrafficMeter()).ToArray();
        var losses = new double[g];
        env.Model.train();
        for (int step = 0; step < jobs[0].Steps; step++)
        {
            for (int c = 0; c < g; c++)
            {
                using var scope = NewDisposeScope();
                states[c]?.LoadInto(parts.Client);
                var data = env.Train.MakeBatch(cursors[c].Next(), env.Device);
                clientOptimizers[c]?.zero_grad();
                var forward = protocol.ClientForward(data);
                var up = links[c].Sent(forward.ActivationsPayload);
                var labels = links[c].Sent(forward.LabelsPayload);
                serverOptimizers[c].zero_grad();
                var server = protocol.ServerStep(up, labels);
                serverOptimizers[c].step();
                losses[c] += server.Loss;
                if (server.Gradient is not null)
                {
                    protocol.ClientBackward(forward.Activations, links[c].Received(server.Gradient));
                    clientOptimizers[c]!.step();
                    states[c]!.Dispose();
                    states[c] = TrainableState.Capture(parts.Client);
                }
            }
        }
        foreach (var o in clientOptimizers.Concat<optim.Optimizer?>(serverOptimizers))
        {
            o?.Dispose();
        }
        clientStart.LoadInto(parts.Client);
        return (states, links, losses.Select(l => l / jobs[0].Steps).ToArray());
    }

    private static bool PadsAClientBeyondItsOwnLength(RunEnvironment env, IReadOnlyList<ClientJob> jobs)
    {
        var cursors = jobs.Select(j => new BatchCursor(j.Indices, env.Spec.Training.BatchSize, j.Seed)).ToArray();
        for (int step = 0; step < jobs[0].Steps; step++)
        {
            var lengths = cursors.Select(c => c.Next().ToArray().Max(i => env.Train.Ids[i].Length)).ToList();
            if (lengths.Distinct().Count() > 1)
            {
                return true;
            }
        }
        return false;
    }

    private static void AssertMoved(TrainableState start, TrainableState end, string what) =>
        Assert.True(start.Tensors.Zip(end.Tensors).Any(p => (p.First.Value - p.Second.Value).norm().item<float>() > 0), $"{what} did not train");

    /// <summary>
    /// Every tensor within <paramref name="tolerance"/> relative, except, with <paramref name="keyBiasNoise"/> (padded
    /// batches, whose float32 sums differ in the last bits), the attention key biases (full fine-tuning): a
    /// key bias adds the same amount to every score of a query's row, which the softmax cancels, so its true gradient is
    /// zero and what it receives is float32 rounding noise that AdamW normalises into steps of about the learning rate.
    /// Those steps follow the noise, not the training (measured 2e-3 to 1.1e-2 relative here), and change no output;
    /// they are held to 5e-2, and their gradient is checked to be noise (<see cref="KeyBiasGradient_IsRoundingNoise"/>).
    /// </summary>
    private static void AssertClose(TrainableState expected, TrainableState actual, double tolerance, string what, bool keyBiasNoise)
    {
        Assert.Equal(expected.Tensors.Select(t => t.Key), actual.Tensors.Select(t => t.Key));
        for (int i = 0; i < expected.Tensors.Count; i++)
        {
            var (name, e) = expected.Tensors[i];
            var a = actual.Tensors[i].Value;
            double norm = e.norm().item<float>();
            double relative = (a - e).norm().item<float>() / (norm == 0 ? 1 : norm);
            double bound = keyBiasNoise && name.EndsWith(".attention.self.key.bias", StringComparison.Ordinal) ? Math.Max(tolerance, 5e-2) : tolerance;
            Assert.True(relative <= bound, $"{what}, {name}: relative difference {relative:G3}");
        }
    }
}

/// <summary>The SplitFed contract with batching on (groups of two, so a round has several groups), fp16 activations.</summary>
public sealed class BatchedSplitFedContractTests : FedLab.Engine.Tests.Frameworks.FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) =>
        FedLab.Engine.Tests.Frameworks.ContractSpecs.Split(clients, rounds, seed, new SplitOptions { CutLayer = 1, Variant = SplitVariant.SplitFed, ActivationPrecision = WirePrecision.Fp16 })
        with { ClientBatching = new ClientBatchingSpec { Enabled = true, MaxClientsPerGroup = 2 } };

    protected override IReadOnlySet<PayloadKind> Kinds =>
        FedLab.Engine.Tests.Frameworks.ContractSpecs.Set(PayloadKind.Activations, PayloadKind.Labels, PayloadKind.ActivationGradients, PayloadKind.Parameters);
}
