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

    private static string Folder(ModelInfo model) =>
        model.Source is LocalFolderSource local ? local.Folder : throw new NotSupportedException($"{model.Id}: decoder families read local Hugging Face folders only");
}
