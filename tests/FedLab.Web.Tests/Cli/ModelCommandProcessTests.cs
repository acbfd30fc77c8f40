using System.Text.Json;
using FedLab.Engine.Models.Decoder;
using FedLab.Tests.Shared;
using static TorchSharp.torch;

namespace FedLab.Web.Tests.Cli;

/// <summary>
/// <c>model inspect</c> and <c>model logits</c> on the tiny decoders of every family (sharded, bf16 and fp16 folders
/// included), broken folders refused naming the tensor or architecture, and a run of a decoder from the CLI.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Process)]
public sealed class ModelCommandProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData(TinyDecoders.Llama, "llama (LlamaForCausalLM)", "key-value heads 2", "scaling llama3")]
    [InlineData(TinyDecoders.Qwen2, "qwen2 (Qwen2ForCausalLM)", "key-value heads 1", "head tied to the embeddings")]
    [InlineData(TinyDecoders.Qwen3, "qwen3 (Qwen3ForCausalLM)", "heads           4 (head dim 16)", "theta 1000000")]
    [InlineData(TinyDecoders.Gpt2, "gpt2 (GPT2LMHeadModel)", "none (learned positions)", "parameters      ")]
    [InlineData(TinyDecoders.Qwen2Sharded, "qwen2 (Qwen2ForCausalLM)", "model.safetensors.index.json (3 shards)", "vocabulary      288")]
    [InlineData(TinyDecoders.LlamaBf16, "llama (LlamaForCausalLM)", "bfloat16 in config.json; stored BFloat16", "layers          3")]
    [InlineData(TinyDecoders.Gpt2Fp16, "gpt2 (GPT2LMHeadModel)", "stored Float16", "layers          3")]
    public async Task Inspect_DescribesTheFolder(string variant, string family, string fact, string other)
    {
        using var cli = new CliProcess("model", "inspect", "--model", TinyDecoders.Folder(variant));
        Assert.True(await cli.WaitAsync(Timeout) == 0, cli.Stderr);
        Assert.Contains($"family          {family}", cli.Stdout, StringComparison.Ordinal);
        Assert.Contains(fact, cli.Stdout, StringComparison.Ordinal);
        Assert.Contains(other, cli.Stdout, StringComparison.Ordinal);
        Assert.Contains("every tensor present with its expected shape", cli.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TinyDecoders.Llama)]
    [InlineData(TinyDecoders.Qwen2Sharded)]
    [InlineData(TinyDecoders.Qwen3)]
    [InlineData(TinyDecoders.Gpt2Fp16)]
    [InlineData(TinyDecoders.LlamaBf16)]
    public async Task Logits_WritesIdsAndTheLastPositionsLogits_AsTheEngineComputesThem(string variant)
    {
        var folder = TinyDecoders.Folder(variant);
        var output = Path.Combine(Directory.CreateTempSubdirectory("fedlab-logits-").FullName, "logits.json");
        const string text = "Is this email spam? Answer yes or no.";
        using var cli = new CliProcess("model", "logits", "--model", folder, "--text", text, "--out", output);
        Assert.True(await cli.WaitAsync(Timeout) == 0, cli.Stderr);
        using var document = JsonDocument.Parse(File.ReadAllText(output));
        var ids = document.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var logits = document.RootElement.GetProperty("logits").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.Equal(HfTokenizer.Load(folder).Encode(text, 1000), ids);
        Assert.Equal(TinyDecoders.VocabSize, logits.Length);

        var family = HfFolder.FamilyOf(HfFolder.ReadConfig(folder));
        var model = family.Load(folder, 0, CPU, withLanguageModelHead: true);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var input = tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length]);
        var hidden = model.RunLayers(model.Embed(input), model.AttentionBias(ones_like(input), ScalarType.Float32), 0, model.NumLayers);
        var expected = model.Logits(hidden.select(1, ids.Length - 1)).squeeze(0).data<float>().ToArray();
        ((nn.Module)model).Dispose();
        Assert.Equal(expected, logits);
    }

    [Fact]
    public async Task AFolderWithAMissingTensor_IsRefused_NamingIt()
    {
        using var cli = new CliProcess("model", "inspect", "--model", TinyDecoders.Folder(TinyDecoders.MissingTensor));
        Assert.Equal(2, await cli.WaitAsync(Timeout));
        Assert.Contains("no tensor 'model.layers.1.mlp.up_proj.weight'", cli.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownArchitecture_IsRefused_NamingIt()
    {
        var output = Path.Combine(Directory.CreateTempSubdirectory("fedlab-logits-").FullName, "logits.json");
        using var cli = new CliProcess("model", "logits", "--model", TinyDecoders.Folder(TinyDecoders.UnknownArchitecture), "--text", "hi", "--out", output);
        Assert.Equal(2, await cli.WaitAsync(Timeout));
        Assert.Contains("unsupported architecture 'MambaForCausalLM' (model_type 'mamba')", cli.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task ARunOfATinyDecoder_CompletesFromTheCli()
    {
        var folder = Directory.CreateTempSubdirectory("fedlab-spec-").FullName;
        var spec = Path.Combine(folder, "spec.json");
        var output = Path.Combine(folder, "results.json");
        File.WriteAllText(spec, $$"""
            { "name": "decoder cli", "model": {{JsonSerializer.Serialize(TinyDecoders.Folder(TinyDecoders.Qwen3))}},
              "dataset": { "name": "spam", "maxTokens": 24, "trainLimit": 60, "testLimit": 20 },
              "partition": { "kind": "iid", "clients": 2 }, "framework": "fedllm",
              "fineTune": { "lora": { "rank": 2, "alpha": 4, "targets": ["q_proj", "v_proj", "gate_proj"] } },
              "training": { "rounds": 1, "localSteps": 2, "batchSize": 8 }, "seed": 3 }
            """);
        using var cli = new CliProcess("run", "--config", spec, "--out", output);
        Assert.True(await cli.WaitAsync(Timeout) == 0, cli.Stderr);
        using var document = JsonDocument.Parse(File.ReadAllText(output));
        Assert.Contains("Qwen3ForCausalLM", File.ReadAllText(output), StringComparison.Ordinal);
    }
}
