using FedLab.Engine.Federation;
using FedLab.Engine.Frameworks.KdFedLlm;
using FedLab.Engine.Models;
using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using FedLab.Engine.Tests.Runs;
using FedLab.Tests.Shared;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Frameworks;

public sealed class KdFedLlmTests
{
    private static RunSpec Spec(KdOptions options, string model = "tiny", int clients = 3, int rounds = 2) =>
        ContractSpecs.Kd(clients, rounds, 5, options) with { Model = model };

    private static long LogitsBytes(int rows, int classes)
    {
        using var scope = NewDisposeScope();
        return SafeTensors.Serialize([new("logits", zeros(rows, classes))]).Length;
    }

    [Fact]
    public void BytesPerRound_DependOnThePublicSetSize_NotOnTheModelSize()
    {
        var small = TinySpecs.Run(Spec(new KdOptions { PublicSize = 24 }, model: "tiny"));
        var larger = TinySpecs.Run(Spec(new KdOptions { PublicSize = 24 }, model: "tiny4"));
        var morePublic = TinySpecs.Run(Spec(new KdOptions { PublicSize = 48 }, model: "tiny"));
        Assert.True(larger.Info.TotalParameters > small.Info.TotalParameters);
        Assert.All(small.ClientRounds.Concat(larger.ClientRounds), c =>
        {
            Assert.Equal(LogitsBytes(24, 2), c.BytesUp);   // the client's log-probabilities on 24 public examples
            Assert.Equal(LogitsBytes(24, 2), c.BytesDown); // the consensus
            Assert.Equal(c.BytesUp, c.BytesUpByKind[PayloadKind.Logits]);
        });
        Assert.All(morePublic.ClientRounds, c => Assert.Equal(LogitsBytes(48, 2), c.BytesUp));
    }

    [Fact]
    public void TopKAndFp16_SendIndicesAndHalfPrecisionValues()
    {
        var spec = Spec(new KdOptions { PublicSize = 30, TopK = 3, LogitPrecision = WirePrecision.Fp16 }) with
        {
            Dataset = new DatasetSpec { Name = "fortunes", MaxTokens = 24, TrainLimit = 150, TestLimit = 40 },
        };
        var result = TinySpecs.Run(spec);
        Assert.Equal(RunStatus.Finished, result.Status);
        using var scope = NewDisposeScope();
        long expected = SafeTensors.Serialize([new("indices", zeros(30, 3, dtype: ScalarType.Int32)), new("values", zeros(30, 3, dtype: ScalarType.Float16))]).Length;
        Assert.All(result.ClientRounds, c => Assert.Equal(expected, c.BytesUp));
        Assert.True(expected < LogitsBytes(30, 10));
    }

    [Fact]
    public void Consensus_GlobalLineIsTheMeanOfEveryClientsOwnModel()
    {
        var result = TinySpecs.Run(Spec(new KdOptions { Variant = KdVariant.Consensus, PublicSize = 24, DistillationSteps = 3 }, rounds: 3));
        foreach (var round in result.Rounds.Where(r => r.Round > 0))
        {
            var clients = result.ClientRounds.Where(c => c.Round == round.Round).Select(c => c.Accuracy!.Value).ToArray();
            Assert.Equal(3, clients.Length); // every client takes part, so the round's reports cover them all
            double mean = clients.Average();
            Assert.Equal(mean, round.ClientAccuracyMean!.Value, 12);
            Assert.Equal(Math.Sqrt(clients.Average(a => (a - mean) * (a - mean))), round.ClientAccuracyStd!.Value, 12);
            Assert.Equal(mean, round.Global.Accuracy, 12);
        }
        Assert.Equal(0, result.Rounds[0].ClientAccuracyStd!.Value, 12); // every client starts from the same state
    }

    [Fact]
    public void ServerDistillation_EvaluatesAGlobalModelThatLearnsFromTheConsensus()
    {
        var options = new KdOptions { Variant = KdVariant.ServerDistillation, PublicSize = 24, ServerDistillationSteps = 10, DistillationLearningRate = 0.01 };
        var result = TinySpecs.Run(Spec(options, rounds: 2));
        Assert.All(result.Rounds, r => Assert.NotNull(r.ClientAccuracyMean));
        Assert.NotEqual(result.Rounds[0].Global.Loss, result.Rounds[1].Global.Loss);
        // The consensus variant of the same run reports the clients' mean as its global line; this one does not.
        var consensus = TinySpecs.Run(Spec(options with { Variant = KdVariant.Consensus }, rounds: 2));
        Assert.Equal(consensus.Rounds[1].ClientAccuracyMean, result.Rounds[1].ClientAccuracyMean);
        Assert.NotEqual(consensus.Rounds[1].Global.Loss, result.Rounds[1].Global.Loss);
    }

    [Fact]
    public void HeterogeneousClients_ShareOneFrozenBasePerArchitecture_AndSendTheSameBytes()
    {
        var options = new KdOptions
        {
            PublicSize = 24,
            ClientModels = [new KdClientModel { Model = "tiny" }, new KdClientModel { Model = "tiny4" }, new KdClientModel { Model = "tiny4", Layers = 3 }],
        };
        var spec = Spec(options, clients: 6, rounds: 1);
        using (var env = RunEnvironment.Create(spec, TinySpecs.Engine))
        using (var algorithm = new KdFedLlmAlgorithm(env, TinySpecs.Engine.Models))
        {
            Assert.Equal(["tiny", "tiny4", "tiny4/3"], algorithm.Architectures);
        }
        var result = TinySpecs.Run(spec);
        var byClient = result.ClientRounds.ToDictionary(c => c.ClientId);
        Assert.Single(result.ClientRounds.Select(c => c.BytesUp).Distinct());
        // FLOPs per example follow each client's own architecture: 2, 4 and 3 blocks.
        double PerExample(int client) => byClient[client].Flops / byClient[client].Examples;
        Assert.True(PerExample(0) < PerExample(2) && PerExample(2) < PerExample(1));
        Assert.True(PerExample(3) < PerExample(5) && PerExample(5) < PerExample(4));
    }

    [Trait(TestCategories.Key, TestCategories.RealModel)]
    [Fact]
    public void AnotherCatalogModel_WithTheSameVocabulary_CanBeAClient()
    {
        var spec = Spec(new KdOptions { PublicSize = 24 });
        using var env = RunEnvironment.Create(spec, TinySpecs.Engine);
        using var arctic = KdArchitecture.Create(env, TinySpecs.Engine.Models, ModelCatalog.Get("arctic-xs"), 1, 3, "kd.clientModels[0].model");
        Assert.Equal("arctic-xs/1", arctic.Key);
        Assert.Equal(1, arctic.Model.NumLayers);
        Assert.Equal(384, arctic.Model.Backbone.HiddenSize);
    }

    [Fact]
    public void Distillation_MovesTheStudentTowardsTheTeacher()
    {
        var spec = Spec(new KdOptions { PublicSize = 32 });
        using var env = RunEnvironment.Create(spec, TinySpecs.Engine);
        using var architecture = KdArchitecture.ForRun(env);
        var publicSet = KdPublicSet.Create(env);
        Assert.All(publicSet.Labels, l => Assert.Equal(-1, l));
        // A teacher the student can reach: the same confident opinion about every public example.
        using var teacher = tensor(new float[] { 0.85f, 0.15f }).log().expand(publicSet.Count, 2).contiguous();
        double Kl()
        {
            var (student, _) = KdPublicSet.Logits(env, architecture, publicSet, CancellationToken.None);
            using (student)
            using (var kl = nn.functional.kl_div(student, teacher, log_target: true, reduction: nn.Reduction.Sum))
            {
                return kl.item<float>() / publicSet.Count;
            }
        }
        double before = Kl();
        var result = new Distiller(env, publicSet, temperature: 1.0, learningRate: 0.01).Distill(architecture, teacher, 40, 9, CancellationToken.None);
        double after = Kl();
        Assert.Equal(40, result.Steps);
        Assert.True(after < 0.5 * before, $"KL to the teacher went from {before} to {after}");
    }

    [Fact]
    public void PublicLabels_AreNeverUsed_ButPublicTexts_Are()
    {
        var dir = Path.Combine(Path.GetTempPath(), "fedlab-kd-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string Write(string name, Func<int, string> publicLabel, Func<int, string> publicText)
            {
                var lines = new List<string> { "text,label,split" };
                var random = new Random(3);
                string[] words = ["offer", "money", "meeting", "lunch", "winner", "report", "free", "project", "cash", "agenda"];
                string Sentence(int label) => string.Join(' ', Enumerable.Range(0, 8).Select(_ => words[label * 5 + random.Next(5)]));
                for (int i = 0; i < 60; i++) lines.Add($"{Sentence(i % 2)},{(i % 2 == 0 ? "spam" : "ham")},train");
                for (int i = 0; i < 20; i++) lines.Add($"{Sentence(i % 2)},{(i % 2 == 0 ? "spam" : "ham")},test");
                for (int i = 0; i < 20; i++) lines.Add($"{publicText(i)},{publicLabel(i)},public");
                var path = Path.Combine(dir, name);
                File.WriteAllLines(path, lines);
                return path;
            }
            string Text(int i) => i % 3 == 0 ? "free cash winner offer" : "project meeting agenda report";
            var original = Write("a.csv", i => i % 2 == 0 ? "spam" : "ham", Text);
            var flipped = Write("b.csv", i => i % 2 == 0 ? "ham" : "spam", Text);
            var otherTexts = Write("c.csv", i => i % 2 == 0 ? "spam" : "ham", i => Text(i + 1));

            RunResult RunOn(string path) => TinySpecs.Run(Spec(new KdOptions { DistillationSteps = 3 }) with
            {
                Dataset = new DatasetSpec { Name = path, MaxTokens = 16 },
            });
            string Fingerprint(RunResult r) => string.Join("|", r.ClientRounds.Select(c => $"{c.TrainLoss:R}/{c.Accuracy:R}"))
                + string.Join("|", r.Rounds.Select(m => $"{m.Global.Loss:R}"));
            var a = RunOn(original);
            Assert.Equal(RunStatus.Finished, a.Status);
            Assert.Equal(Fingerprint(a), Fingerprint(RunOn(flipped)));
            Assert.NotEqual(Fingerprint(a), Fingerprint(RunOn(otherTexts)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AUsersFile_WithTooSmallAPublicSplit_IsRejectedBeforeAnyEvent()
    {
        var dir = Path.Combine(Path.GetTempPath(), "fedlab-kd-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, "small.csv");
            var rows = Enumerable.Range(0, 40).Select(i => $"row number {i},{(i % 2 == 0 ? "a" : "b")},{(i < 24 ? "train" : i < 36 ? "test" : "public")}");
            File.WriteAllLines(path, ["text,label,split", .. rows]);
            var sink = new RecordingSink();
            var spec = Spec(new KdOptions { PublicSize = 10, TopK = 3 }) with { Dataset = new DatasetSpec { Name = path, MaxTokens = 16 } };
            Assert.Empty(new RunSpecValidator(() => false).Validate(spec)); // unknown until the file is read
            var ex = Assert.Throws<RunSpecException>(() => TinySpecs.Run(spec, sink));
            Assert.Contains(ex.Errors, e => e.Field == "kd.publicSize" && e.Message.Contains("(4 examples in small)", StringComparison.Ordinal));
            Assert.Contains(ex.Errors, e => e.Field == "kd.topK" && e.Message.Contains("(2 in small)", StringComparison.Ordinal));
            Assert.Empty(sink.Events);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
