using System.Text.Json;
using System.Text.RegularExpressions;
using FedLab.Engine.Datasets;
using FedLab.Engine.Export;
using FedLab.Engine.Models;
using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using FedLab.Engine.Tests.Datasets;
using FedLab.Engine.Tests.Runs;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Export;

/// <summary>A trained model leaves FedLab in the layouts PEFT and transformers load.</summary>
public sealed partial class ModelExportTests
{
    [GeneratedRegex(@"^base_model\.model\.encoder\.layer\.(\d+)\.attention\.self\.(query|value)\.lora_(A|B)\.weight$")]
    private static partial Regex PeftKey();

    private static (RunSpec Spec, SafeTensorsFile Checkpoint) Train(FineTuneKind mode, TempFolder folder)
    {
        var spec = TinySpecs.FedLlm(clients: 2, rounds: 1, mode: mode);
        var runId = Guid.NewGuid();
        var result = new RunExecutor(TinySpecs.Engine).Execute(runId, spec, new RecordingSink(), CancellationToken.None,
            new RunOptions { CheckpointDirectory = folder.Path });
        Assert.Equal(RunStatus.Finished, result.Status);
        var (round, state) = RunCheckpoint.Load(RunCheckpoint.PathFor(folder.Path, runId), runId, spec);
        Assert.Equal(1, round);
        return (spec, state);
    }

    [Fact]
    public void LoraRun_ExportsAPeftAdapter_WithPeftKeyNamesShapesAndConfig_AndTheHeadBesideIt()
    {
        using var folder = new TempFolder();
        var (spec, checkpoint) = Train(FineTuneKind.Lora, folder);
        using var _ = checkpoint;
        var outDir = Path.Combine(folder.Path, "export");

        var files = ModelExport.Write(spec, checkpoint, 1, ["ham", "spam"], outDir);

        Assert.Equal(
            [ModelExport.ReadmeFile, ModelExport.AdapterConfigFile, ModelExport.AdapterWeightsFile, ModelExport.HeadConfigFile, ModelExport.HeadWeightsFile],
            files.Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var shape = ModelCatalog.Get("tiny").Shape; // hidden 32, 2 layers
        using var adapter = SafeTensors.Deserialize(File.ReadAllBytes(Path.Combine(outDir, ModelExport.AdapterWeightsFile)));
        Assert.Equal(2 * 2 * 2, adapter.Tensors.Count); // layers x (query, value) x (A, B)
        foreach (var (key, tensor) in adapter.Tensors)
        {
            var match = PeftKey().Match(key);
            Assert.True(match.Success, $"'{key}' is not a PEFT LoRA key of a BertModel");
            // PEFT: lora_A.weight is [r, in_features], lora_B.weight is [out_features, r].
            Assert.Equal(match.Groups[3].Value == "A" ? [2L, shape.HiddenSize] : [shape.HiddenSize, 2L], tensor.shape);
            Assert.Equal(ScalarType.Float32, tensor.dtype);
            using var original = checkpoint["global.backbone." + key["base_model.model.".Length..]].clone();
            Assert.True(original.eq(tensor).all().item<bool>());
        }
        Assert.Equal("pt", adapter.Metadata["format"]);

        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, ModelExport.AdapterConfigFile)));
        var c = config.RootElement;
        Assert.Equal("LORA", c.GetProperty("peft_type").GetString());
        Assert.Equal(2, c.GetProperty("r").GetInt32());
        Assert.Equal(4, c.GetProperty("lora_alpha").GetDouble());
        Assert.Equal(spec.FineTune.Lora.Dropout, c.GetProperty("lora_dropout").GetDouble());
        Assert.Equal("none", c.GetProperty("bias").GetString());
        Assert.Equal("tiny", c.GetProperty("base_model_name_or_path").GetString()); // no Hub id: FedLab's model id
        Assert.Equal(
            ["encoder.layer.0.attention.self.query", "encoder.layer.0.attention.self.value", "encoder.layer.1.attention.self.query", "encoder.layer.1.attention.self.value"],
            c.GetProperty("target_modules").EnumerateArray().Select(e => e.GetString()));

        using var head = SafeTensors.Deserialize(File.ReadAllBytes(Path.Combine(outDir, ModelExport.HeadWeightsFile)));
        Assert.Equal(["weight", "bias"], head.Tensors.Select(t => t.Key).Order(StringComparer.Ordinal).Reverse());
        Assert.Equal([2L, shape.HiddenSize], head["weight"].shape);
        using var headConfig = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, ModelExport.HeadConfigFile)));
        Assert.Equal(["ham", "spam"], headConfig.RootElement.GetProperty("classes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("mean", headConfig.RootElement.GetProperty("pooling").GetString());
        Assert.Equal(24, headConfig.RootElement.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public void PretrainedModels_NameTheirHubIdAsTheBase()
    {
        Assert.Equal("sentence-transformers/all-MiniLM-L6-v2", ModelExport.BaseModelName(ModelCatalog.Get("minilm-l6")));
        Assert.Equal("Snowflake/snowflake-arctic-embed-xs", ModelExport.BaseModelName(ModelCatalog.Get("arctic-xs")));
    }

    [Fact]
    public void FullRun_ExportsAHuggingFaceModel_ThatLoadsIntoAFreshBackbone_WithTheTrainedWeights()
    {
        using var folder = new TempFolder();
        var (spec, checkpoint) = Train(FineTuneKind.Full, folder);
        using var _ = checkpoint;
        var outDir = Path.Combine(folder.Path, "export");

        ModelExport.Write(spec, checkpoint, 1, ["ham", "spam"], outDir);

        Assert.False(File.Exists(Path.Combine(outDir, ModelExport.AdapterConfigFile)));
        var model = ModelCatalog.Get("tiny");
        var backbone = (nn.Module)model.Family.CreateBackbone(model, TestModels.Store, 0, CPU);
        using var weights = SafeTensors.Deserialize(File.ReadAllBytes(Path.Combine(outDir, ModelExport.ModelWeightsFile)));
        Assert.Equal(backbone.named_parameters().Select(p => p.name).Order(StringComparer.Ordinal), weights.Tensors.Select(t => t.Key).Order(StringComparer.Ordinal));
        ModelStore.LoadInto(backbone, weights);
        foreach (var (name, parameter) in backbone.named_parameters())
        {
            Assert.True(parameter.eq(checkpoint["global.backbone." + name]).all().item<bool>(), name);
        }
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, ModelExport.ModelConfigFile)));
        Assert.Equal("bert", config.RootElement.GetProperty("model_type").GetString());
        Assert.Equal(model.Shape.HiddenSize, config.RootElement.GetProperty("hidden_size").GetInt32());
        Assert.Equal(model.Shape.Layers, config.RootElement.GetProperty("num_hidden_layers").GetInt32());
    }

    [Fact]
    public void ACheckpointWithoutAGlobalModel_IsRefused_NamingTheClientsThatHaveOne()
    {
        using var folder = new TempFolder();
        var spec = TinySpecs.FedLlm();
        using var own = zeros(2, 2);
        using var checkpoint = new SafeTensorsFile([new("client.3.head.dense.weight", own)], new Dictionary<string, string>());

        var noGlobal = Assert.Throws<ModelExportException>(() => ModelExport.Write(spec, checkpoint, 1, [], folder.Path));
        Assert.Contains("no global model", noGlobal.Message, StringComparison.Ordinal);
        Assert.Contains("3", noGlobal.Message, StringComparison.Ordinal);
        var noClient = Assert.Throws<ModelExportException>(() => ModelExport.Write(spec, checkpoint, 1, [], folder.Path, client: 1));
        Assert.Contains("client 1", noClient.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }
}
