using FedLab.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Models;

public sealed class LoraTests
{
    private static HashSet<string> Targets(string names) => [.. names.Split(',')];

    private static SequenceClassifier TinyModel(long seed)
    {
        random.manual_seed(seed);
        var backbone = TestModels.Store.CreateBackbone(ModelCatalog.Get("tiny"), dropout: 0.0, CPU);
        return new SequenceClassifier(backbone, 3, CPU);
    }

    [Fact]
    public void LoraWithZeroB_LeavesOutputsUnchanged_AndNonZeroBChangesThem()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel(1);
        model.eval();
        var ids = randint(0, 30522, [2, 12], dtype: ScalarType.Int64);
        var mask = ones(2, 12, dtype: ScalarType.Int64);
        Tensor before;
        using (no_grad())
        {
            before = model.forward(ids, mask).clone();
        }
        model.AddLora(new LoraOptions(4, 8, 0.0, Targets("query,key,value,output,ffn")), CPU);
        model.eval();
        using (no_grad())
        {
            var after = model.forward(ids, mask);
            Assert.Equal(0.0, (after - before).abs().max().item<float>());
            foreach (var (name, p) in model.named_parameters().Where(p => p.name.EndsWith("lora_B.weight", StringComparison.Ordinal)))
            {
                p.fill_(0.05);
            }
            var changed = model.forward(ids, mask);
            Assert.True((changed - before).abs().max().item<float>() > 1e-4);
        }
    }

    [Theory]
    [InlineData("query,value", 4)]
    [InlineData("query,key,value,output", 8)]
    [InlineData("query,key,value,output,ffn", 2)]
    public void TrainableParameterCount_MatchesChosenModules(string names, int rank)
    {
        var targets = Targets(names);
        using var scope = NewDisposeScope();
        var model = TinyModel(2);
        model.AddLora(new LoraOptions(rank, 2 * rank, 0.0, targets), CPU);
        var trainable = model.SetTrainable(FineTuneMode.Lora);
        const int h = 32, ffn = 64, layers = 2, classes = 3;
        long perLayer = 0;
        if (targets.Contains("query")) perLayer += rank * (h + h);
        if (targets.Contains("key")) perLayer += rank * (h + h);
        if (targets.Contains("value")) perLayer += rank * (h + h);
        if (targets.Contains("output")) perLayer += rank * (h + h);
        if (targets.Contains("ffn")) perLayer += rank * (h + ffn) * 2;
        long head = h * classes + classes;
        Assert.Equal(layers * perLayer + head, trainable.Sum(p => p.Parameter.numel()));
        Assert.All(model.named_parameters(), p => Assert.Equal(trainable.Any(t => t.Name == p.name), p.parameter.requires_grad));
    }

    [Fact]
    public void HeadOnlyAndFull_SelectTheExpectedParameters()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel(3);
        long all = model.parameters().Sum(p => p.numel());
        Assert.Equal(32 * 3 + 3, model.SetTrainable(FineTuneMode.HeadOnly).Sum(p => p.Parameter.numel()));
        Assert.Equal(all, model.SetTrainable(FineTuneMode.Full).Sum(p => p.Parameter.numel()));
    }

    [Fact]
    public void ParameterNames_AreHuggingFaceCheckpointKeys()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel(4);
        model.AddLora(new LoraOptions(2, 4, 0.0, Targets("query")), CPU);
        var names = model.named_parameters().Select(p => p.name).ToHashSet();
        Assert.Contains("backbone.embeddings.word_embeddings.weight", names);
        Assert.Contains("backbone.encoder.layer.1.attention.self.query.weight", names);
        Assert.Contains("backbone.encoder.layer.1.attention.self.query.lora_A.weight", names);
        Assert.Contains("backbone.encoder.layer.0.output.LayerNorm.bias", names);
        Assert.Contains("head.dense.weight", names);
    }
}
