using System.Security.Cryptography;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Decoder;

/// <summary>
/// What every decoder family read from a local Hugging Face folder shares: the config, streamed weights, the
/// tokenizer from tokenizer.json and its fingerprint. A family adds its modules, checkpoint names, LoRA target
/// names and per-block cost.
/// </summary>
public abstract class HfDecoderFamily : IModelFamily
{
    public abstract string Name { get; }

    public abstract IReadOnlyList<string> LoraTargetNames { get; }

    /// <summary>The model_type values of config.json this family reads.</summary>
    public abstract IReadOnlyList<string> ModelTypes { get; }

    public abstract double BlockMacsPerToken(TransformerShape shape);

    /// <summary>The family's module for <paramref name="config"/>, randomly initialised.</summary>
    public abstract ICausalLanguageModel CreateModule(DecoderConfig config, double dropout, Device device, bool withLanguageModelHead);

    public abstract CheckpointNames Names { get; }

    public ITextBackbone CreateBackbone(ModelInfo model, ModelStore store, double dropout, Device device, int? layers = null) =>
        Load(Folder(model), dropout, device, withLanguageModelHead: false, layers);

    /// <summary>The backbone with its language-model head (lm_head, or tied to the embeddings), for generative tasks.</summary>
    public ICausalLanguageModel CreateCausalLanguageModel(ModelInfo model, double dropout, Device device, int? layers = null) =>
        Load(Folder(model), dropout, device, withLanguageModelHead: true, layers);

    /// <summary>The model of <paramref name="folder"/> with its weights (and, if asked, its language-model head).</summary>
    public ICausalLanguageModel Load(string folder, double dropout, Device device, bool withLanguageModelHead, int? layers = null)
    {
        var config = HfFolder.ReadConfig(folder);
        if (layers is int l)
        {
            config = config.WithLayers(l);
        }
        var weights = HfWeights.Open(folder);
        var module = CreateModule(config, dropout, device, withLanguageModelHead);
        try
        {
            WeightLoader.Load((nn.Module)module, weights, Names);
            return module;
        }
        catch
        {
            ((nn.Module)module).Dispose();
            throw;
        }
    }

    public ITextTokenizer LoadTokenizer(ModelInfo model, ModelStore store) => HfTokenizer.Load(Folder(model));

    public string VocabularyFingerprint(ModelInfo model, ModelStore store) =>
        Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(Folder(model), HfFolder.TokenizerFile))));

    /// <summary>The folder's own config.json, with float32 weights and the layers this model has (export of full fine-tuning).</summary>
    public System.Text.Json.Nodes.JsonObject HuggingFaceConfig(ModelInfo model)
    {
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Folder(model), HfFolder.ConfigFile))) as System.Text.Json.Nodes.JsonObject
            ?? throw new InvalidDataException($"{model.Id}: config.json is not a JSON object");
        config["torch_dtype"] = "float32";
        foreach (var key in new[] { "num_hidden_layers", "n_layer" }.Where(config.ContainsKey))
        {
            config[key] = model.Shape.Layers;
        }
        return config;
    }

    public IEnumerable<KeyValuePair<string, Tensor>> HuggingFaceTensors(IEnumerable<KeyValuePair<string, Tensor>> backbone)
    {
        foreach (var (name, tensor) in backbone)
        {
            var hfName = Names.Candidates(name)[0];
            yield return new(hfName, Names.Transposed(name) ? tensor.t().contiguous() : tensor);
        }
    }

    public IEnumerable<string> HuggingFaceFiles(ModelInfo model) =>
        new[] { HfFolder.TokenizerFile, "tokenizer_config.json", "generation_config.json", "special_tokens_map.json" }
            .Select(f => Path.Combine(Folder(model), f)).Where(File.Exists);

    private static string Folder(ModelInfo model) =>
        model.Source is LocalFolderSource local ? local.Folder : throw new NotSupportedException($"{model.Id}: decoder families read local Hugging Face folders only");
}
