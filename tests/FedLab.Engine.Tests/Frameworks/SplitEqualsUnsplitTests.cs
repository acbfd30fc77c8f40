using FedLab.Engine.Federation;
using FedLab.Engine.Frameworks.SplitFedLlm;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Frameworks;

/// <summary>
/// At every cut, one batch through the split protocol (real serialisation, a leaf on the server, the gradient sent
/// back) gives the loss and the gradients of every trainable parameter that the unsplit model gives.
/// </summary>
public sealed class SplitEqualsUnsplitTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData("tiny4", FineTuneKind.Lora)]
    [InlineData("tiny4", FineTuneKind.Full)]
    [InlineData("minilm-l6", FineTuneKind.Lora)]
    public void EveryCut_GivesTheSameLossAndGradients(string model, FineTuneKind mode)
    {
        var spec = TinySpecs.FedLlm(clients: 1, rounds: 1, mode: mode) with
        {
            Model = model,
            Framework = SplitFramework.Id,
            FineTune = new FineTuneSpec { Mode = mode, Lora = new LoraSpec { Rank = 4, Alpha = 8, Dropout = 0, Targets = ["query", "value", "ffn"] } },
            Training = new TrainingSpec { Rounds = 1, LocalSteps = 1, BatchSize = 6, Dropout = 0 },
        };
        using var env = RunEnvironment.Create(spec, TinySpecs.Engine);
        using (no_grad())
        {
            // LoRA's B starts at zero, which would make every A gradient zero and the comparison trivial.
            foreach (var (name, parameter) in env.Trainable.Where(p => p.Name.Contains("lora_B", StringComparison.Ordinal)))
            {
                parameter.normal_(0, 0.05);
            }
        }
        env.Model.train();
        int layers = env.Model.NumLayers;
        for (int cut = 1; cut < layers; cut++)
        {
            using var scope = NewDisposeScope();
            var batch = env.Train.MakeBatch([0, 1, 2, 3, 4, 5], env.Device);

            ZeroGrads(env);
            var unsplitLoss = nn.functional.cross_entropy(env.Model.forward(batch.InputIds, batch.AttentionMask), batch.Labels);
            unsplitLoss.backward();
            var expected = env.Trainable.Select(p => p.Parameter.grad!.clone()).ToList();

            ZeroGrads(env);
            var protocol = new SplitProtocol(env.Model, cut, WirePrecision.Fp32, clientTrains: true, env.Device);
            var forward = protocol.ClientForward(batch);
            var server = protocol.ServerStep(forward.ActivationsPayload, forward.LabelsPayload);
            protocol.ClientBackward(forward.Activations, server.Gradient!);

            double a = unsplitLoss.item<float>();
            Assert.True(Math.Abs(a - server.Loss) <= Tolerance * Math.Abs(a), $"cut {cut}: loss {server.Loss} vs unsplit {a}");
            var parts = SplitParts.Of(env.Trainable, cut);
            Assert.NotEmpty(parts.Client);
            Assert.NotEmpty(parts.Server);
            for (int i = 0; i < env.Trainable.Count; i++)
            {
                var (name, parameter) = env.Trainable[i];
                var actual = parameter.grad ?? throw new InvalidOperationException($"cut {cut}: {name} got no gradient");
                double scale = expected[i].abs().max().item<float>();
                double difference = (actual - expected[i]).abs().max().item<float>();
                Assert.True(difference <= Tolerance * Math.Max(scale, 1e-12), $"cut {cut}: {name} differs by {difference} (largest gradient {scale})");
                if (name.StartsWith("backbone.embeddings.word_embeddings", StringComparison.Ordinal))
                {
                    continue; // most rows of the vocabulary get no gradient from six sentences
                }
                Assert.True(scale > 0, $"cut {cut}: {name} has an all-zero gradient");
            }
        }
    }

    private static void ZeroGrads(RunEnvironment env)
    {
        foreach (var (_, parameter) in env.Trainable)
        {
            parameter.grad?.zero_();
        }
    }
}
