using FedLab.Engine.Federation;
using FedLab.Engine.Frameworks.SplitFedLlm;
using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using FedLab.Engine.Tests.Runs;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Frameworks;

public sealed class SplitFedLlmTests
{
    private static RunSpec Spec(int cut, SplitVariant variant, WirePrecision precision = WirePrecision.Fp32, string model = "tiny4", int clients = 3) =>
        ContractSpecs.Split(clients, 1, 5, new SplitOptions { CutLayer = cut, Variant = variant, ActivationPrecision = precision }) with { Model = model };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ClientFlops_CountOnlyTheClientSideBlocks(int cut)
    {
        var split = TinySpecs.Run(Spec(cut, SplitVariant.SplitFed));
        var unsplit = TinySpecs.Run(Spec(cut, SplitVariant.SplitFed) with { Framework = FedLlmFramework.Id });
        using var env = RunEnvironment.Create(split.Spec, TinySpecs.Engine);
        int layers = env.Model.NumLayers;
        foreach (var client in split.ClientRounds)
        {
            // The client's very batches (same seed, same order as every trainer), and the FLOP model on each side.
            var batches = new BatchCursor(env.Partition.ClientIndices[client.ClientId], split.Spec.Training.BatchSize, SeedMix.Derive(split.Spec.Seed, 1, client.ClientId));
            double clientSide = 0, serverSide = 0, whole = 0;
            for (int step = 0; step < client.Steps; step++)
            {
                var batch = batches.Next();
                int tokens = batch.ToArray().Max(i => env.Train.Ids[i].Length);
                clientSide += env.Flops.TrainStep(batch.Length, tokens, 0, cut, includeHead: false);
                serverSide += env.Flops.TrainStep(batch.Length, tokens, cut, layers, includeHead: true);
                whole += env.Flops.TrainStep(batch.Length, tokens, 0, layers, includeHead: true);
            }
            var fedLlm = unsplit.ClientRounds.Single(c => c.ClientId == client.ClientId);
            Assert.Equal(whole, fedLlm.Flops, 6);
            Assert.Equal(clientSide, client.Flops, 6);
            Assert.Equal(whole, clientSide + serverSide, 6); // the two sides add up to the unsplit step
            Assert.InRange(client.Flops / fedLlm.Flops, 0.8 * cut / layers, 1.2 * cut / layers);
        }
    }

    [Theory]
    [InlineData(WirePrecision.Fp32, ScalarType.Float32)]
    [InlineData(WirePrecision.Fp16, ScalarType.Float16)]
    public void Payloads_CarryActivationsMaskLabelsAndGradients_InTheChosenPrecision(WirePrecision precision, ScalarType dtype)
    {
        var observed = new List<(Payload Payload, bool Up)>();
        using (TrafficMeter.Observe((p, up) => observed.Add((p, up))))
        {
            TinySpecs.Run(Spec(2, SplitVariant.SplitFed, precision));
        }
        var activations = observed.Where(o => o.Payload.Kind == PayloadKind.Activations).ToList();
        var gradients = observed.Where(o => o.Payload.Kind == PayloadKind.ActivationGradients).ToList();
        var labels = observed.Where(o => o.Payload.Kind == PayloadKind.Labels).ToList();
        Assert.Equal(activations.Count, gradients.Count);
        Assert.Equal(activations.Count, labels.Count);
        Assert.All(activations, o => Assert.True(o.Up));
        Assert.All(labels, o => Assert.True(o.Up));
        Assert.All(gradients, o => Assert.False(o.Up));
        for (int i = 0; i < activations.Count; i++)
        {
            using var up = SafeTensors.Deserialize(activations[i].Payload.Bytes);
            using var down = SafeTensors.Deserialize(gradients[i].Payload.Bytes);
            using var y = SafeTensors.Deserialize(labels[i].Payload.Bytes);
            var hidden = up["hidden"];
            Assert.Equal(dtype, hidden.dtype);
            Assert.Equal(3, hidden.shape.Length);
            Assert.Equal(32, hidden.shape[2]);
            Assert.Equal(ScalarType.Byte, up["attention_mask"].dtype);
            Assert.Equal(hidden.shape[..2], up["attention_mask"].shape);
            Assert.Equal(dtype, down["grad"].dtype);
            Assert.Equal(hidden.shape, down["grad"].shape);
            Assert.Equal([hidden.shape[0]], y["labels"].shape);
            long data = hidden.numel() * (dtype == ScalarType.Float16 ? 2 : 4);
            Assert.InRange(gradients[i].Payload.Length - data, 8, 200); // the rest is the safetensors header
        }
    }

    [Fact]
    public void Sequential_PassesTheClientSidePart_FromEachClientToTheNext()
    {
        var spec = Spec(2, SplitVariant.Sequential) with { Training = new TrainingSpec { Rounds = 2, LocalSteps = 2, BatchSize = 8, LearningRate = 0.01, EvalBatchSize = 20 } };
        var parameters = new List<(Payload Payload, bool Up)>();
        RunResult result;
        using (TrafficMeter.Observe((p, up) =>
        {
            if (p.Kind == PayloadKind.Parameters)
            {
                parameters.Add((p, up));
            }
        }))
        {
            result = TinySpecs.Run(spec);
        }
        // down, up for client 0, down, up for client 1, ...: each download is the bytes the previous client uploaded,
        // across the round boundary too.
        Assert.Equal(2 * result.ClientRounds.Count, parameters.Count);
        for (int i = 0; i < parameters.Count; i += 2)
        {
            Assert.False(parameters[i].Up);
            Assert.True(parameters[i + 1].Up);
            if (i > 0)
            {
                Assert.Equal(parameters[i - 1].Payload.Bytes, parameters[i].Payload.Bytes);
            }
        }
        using var env = RunEnvironment.Create(spec, TinySpecs.Engine);
        using var clientPart = TrainableState.Capture(SplitParts.Of(env.Trainable, 2).Client);
        Assert.All(result.ClientRounds, c => Assert.Equal(clientPart.Serialize().Length, c.BytesUpByKind[PayloadKind.Parameters]));
    }

    [Fact]
    public void SplitFed_AveragesTheClientSideParts_WeightedByExamples()
    {
        var spec = Spec(2, SplitVariant.SplitFed);
        using var env = RunEnvironment.Create(spec, TinySpecs.Engine);
        using var algorithm = new SplitFedLlmAlgorithm(new FrameworkContext(env, TinySpecs.Engine));
        var uploads = new List<Payload>();
        var downloads = new List<Payload>();
        using (TrafficMeter.Observe((p, up) =>
        {
            if (p.Kind == PayloadKind.Parameters)
            {
                (up ? uploads : downloads).Add(p);
            }
        }))
        {
            algorithm.RunRound(1, [0, 1, 2], ClientReports.None, CancellationToken.None);
        }
        Assert.Equal(3, uploads.Count);
        Assert.Single(downloads.Distinct()); // one broadcast, received by each client
        double total = 0;
        Tensor? sum = null;
        for (int k = 0; k < 3; k++)
        {
            using var update = TrainableState.Deserialize(uploads[k], env.Device);
            int n = env.Partition.ClientIndices[k].Length;
            total += n;
            var flat = cat(update.Tensors.Select(t => t.Value.flatten()).ToList()) * n;
            sum = sum is null ? flat : sum + flat;
        }
        using var average = sum! / total;
        using var actual = cat(algorithm.Parts.Client.Select(p => p.Parameter.detach().flatten()).ToList());
        Assert.True((average - actual).abs().max().item<float>() < 1e-6);
        Assert.NotEmpty(algorithm.Parts.Server);
    }

    [Fact]
    public void HeadOnly_SendsNoGradientsAndNoClientPart()
    {
        var spec = Spec(2, SplitVariant.SplitFed) with { FineTune = new FineTuneSpec { Mode = FineTuneKind.HeadOnly } };
        var result = TinySpecs.Run(spec);
        Assert.Equal(RunStatus.Finished, result.Status);
        Assert.All(result.ClientRounds, c =>
        {
            Assert.Equal(0, c.BytesDown);
            Assert.False(c.BytesUpByKind.ContainsKey(PayloadKind.Parameters));
            Assert.True(c.BytesUpByKind[PayloadKind.Activations] > 0);
        });
    }
}
