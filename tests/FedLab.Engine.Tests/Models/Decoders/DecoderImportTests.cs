using System.Text.Json;
using FedLab.Engine.Models;
using FedLab.Engine.Models.Decoder;
using FedLab.Tests.Shared;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Models.Decoders;

/// <summary>
/// Import of Hugging Face folders: every family's final logits equal an independent numpy implementation's
/// (tools/decoder-reference/reference.py, after transformers' modeling files; its output is committed in
/// reference-logits.json), sharded and half-precision folders load, and broken folders are refused naming the tensor.
/// </summary>
public sealed class DecoderImportTests
{
    /// <summary>Ids of the reference prompt: in every tiny vocabulary, and long enough that RoPE and the causal mask matter.</summary>
    public static readonly long[] ReferenceIds = [256, 72, 101, 108, 108, 111, 257, 44, 119, 111, 114, 108, 100, 33, 270, 10, 3, 200, 150, 275];

    public static TheoryData<string> Variants() => [.. TinyDecoders.Variants];

    [Theory]
    [MemberData(nameof(Variants))]
    public void FinalLogits_EqualTheIndependentReference(string variant)
    {
        using var model = (nn.Module)DecoderTestModels.LanguageModel(variant);
        var logits = DecoderTestModels.LastLogits((ICausalLanguageModel)model, ReferenceIds);
        var reference = ReferenceFor(variant);
        Assert.Equal(ReferenceIds, reference.Ids);
        Assert.Equal(TinyDecoders.VocabSize, logits.Length);
        double maxError = logits.Zip(reference.Logits, (a, b) => Math.Abs(a - b)).Max();
        double scale = reference.Logits.Max(Math.Abs);
        Assert.True(maxError < 1e-4 * Math.Max(1, scale), $"{variant}: max |FedLab - reference| = {maxError:G3} (logits up to {scale:G3})");
    }

    [Fact]
    public void ShardedFolder_LoadsTheSameWeights_AsOneFile()
    {
        using var one = (nn.Module)DecoderTestModels.LanguageModel(TinyDecoders.Qwen2);
        using var sharded = (nn.Module)DecoderTestModels.LanguageModel(TinyDecoders.Qwen2Sharded);
        Assert.Contains("3 shards", HfWeights.Open(TinyDecoders.Folder(TinyDecoders.Qwen2Sharded)).Description);
        Assert.Equal(DecoderTestModels.LastLogits((ICausalLanguageModel)one, ReferenceIds), DecoderTestModels.LastLogits((ICausalLanguageModel)sharded, ReferenceIds));
    }

    [Fact]
    public void Bf16Weights_AreConvertedToFloat32_OnTheCpu()
    {
        using var model = (nn.Module)DecoderTestModels.LanguageModel(TinyDecoders.LlamaBf16);
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        var entry = HfWeights.Open(TinyDecoders.Folder(TinyDecoders.LlamaBf16)).Find("model.norm.weight");
        Assert.Equal(ScalarType.BFloat16, entry!.DType);
    }

    [Fact]
    public void AMissingTensor_IsRefused_NamingIt()
    {
        var folder = TinyDecoders.Folder(TinyDecoders.MissingTensor);
        var error = Assert.Throws<InvalidDataException>(() => HfFolder.FamilyOf(HfFolder.ReadConfig(folder)).Load(folder, 0, CPU, withLanguageModelHead: true));
        Assert.Contains("'model.layers.1.mlp.up_proj.weight'", error.Message);
    }

    [Fact]
    public void AMismatchedTensor_IsRefused_NamingItAndBothShapes()
    {
        var folder = CopyOf(TinyDecoders.Llama, "mismatched");
        var config = File.ReadAllText(Path.Combine(folder, "config.json")).Replace("\"intermediate_size\":48", "\"intermediate_size\":40", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(folder, "config.json"), config);
        var error = Assert.Throws<InvalidDataException>(() => HfFolder.FamilyOf(HfFolder.ReadConfig(folder)).Load(folder, 0, CPU, withLanguageModelHead: false));
        Assert.Equal("tensor 'model.layers.0.mlp.gate_proj.weight' in model.safetensors has shape [48, 32], the config implies [40, 32]", error.Message);
    }

    [Fact]
    public void AnUnknownArchitecture_IsRefusedByTheCatalog_NamingIt()
    {
        var folder = TinyDecoders.Folder(TinyDecoders.UnknownArchitecture);
        Assert.Null(ModelCatalog.Resolve(folder, out var error));
        Assert.Contains("unsupported architecture 'MambaForCausalLM' (model_type 'mamba')", error);
    }

    [Fact]
    public void ARegisteredName_ResolvesToItsFolder()
    {
        ModelCatalog.RegisterFolder("tiny-qwen3-test", TinyDecoders.Folder(TinyDecoders.Qwen3));
        try
        {
            var info = ModelCatalog.Get("tiny-qwen3-test");
            Assert.Equal("qwen3", info.Family.Name);
            Assert.Equal((3, 4, 2, 16), (info.Shape.Layers, info.Shape.Heads, info.Shape.KeyValueHeads, info.Shape.HeadDim));
            Assert.Contains("tiny-qwen3-test", ModelCatalog.Ids);
        }
        finally
        {
            ModelCatalog.UnregisterFolder("tiny-qwen3-test");
        }
    }

    [Fact]
    public void Llama3RopeScaling_KeepsShortWavelengths_AndDividesLongOnes()
    {
        var scaling = new RopeScaling(RopeScaling.Llama3, 8, 1, 4, 64);
        var plain = RotaryEmbedding.InverseFrequencies(8, 500000, RopeScaling.None);
        var scaled = RotaryEmbedding.InverseFrequencies(8, 500000, scaling);
        Assert.Equal(plain[0], scaled[0]); // wavelength 2π < 64/4: kept
        Assert.Equal(plain[^1] / 8, scaled[^1], 6); // wavelength far above 64: divided by the factor
    }

    internal static string CopyOf(string variant, string name)
    {
        var source = TinyDecoders.Folder(variant);
        var target = Path.Combine(Path.GetTempPath(), "fedlab-decoder-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        return target;
    }

    private static (long[] Ids, double[] Logits) ReferenceFor(string variant)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Models", "Decoders", "reference-logits.json")));
        var entry = document.RootElement.GetProperty(variant);
        return ([.. entry.GetProperty("ids").EnumerateArray().Select(e => e.GetInt64())], [.. entry.GetProperty("logits").EnumerateArray().Select(e => e.GetDouble())]);
    }
}
