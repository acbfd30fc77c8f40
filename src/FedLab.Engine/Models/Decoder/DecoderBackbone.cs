using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Decoder;

/// <summary>
/// The Llama-style decoder (Llama, Mistral, Qwen2, Qwen3): embed_tokens, layers.N, norm, and lm_head when untied
/// and asked for. Parameter names are the checkpoint keys without the leading "model.". The final norm runs at the
/// end of the last block range, so the top side of a split applies it.
/// </summary>
public sealed class DecoderBackbone : nn.Module, ICausalLanguageModel
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly Embedding embed_tokens;
    private readonly ModuleList<DecoderLayer> layers;
    private readonly RmsNorm norm;
    private readonly Parameter? lm_head;
#pragma warning restore IDE1006

    public DecoderBackbone(DecoderConfig config, double dropout, Device device, bool withLanguageModelHead) : base(nameof(DecoderBackbone))
    {
        Config = config;
        var rotary = new RotaryEmbedding(config);
        embed_tokens = nn.Embedding(config.VocabSize, config.HiddenSize, device: device);
        layers = new ModuleList<DecoderLayer>([.. Enumerable.Range(0, config.Layers).Select(_ => new DecoderLayer(config, rotary, dropout, device))]);
        norm = new RmsNorm(config.HiddenSize, config.NormEps, device);
        HasLanguageModelHead = withLanguageModelHead;
        if (withLanguageModelHead && !config.TieWordEmbeddings)
        {
            lm_head = new Parameter(zeros(config.VocabSize, config.HiddenSize, device: device));
        }
        RegisterComponents();
    }

    public DecoderConfig Config { get; }
    public bool HasLanguageModelHead { get; }
    public TransformerShape Shape => Config.Shape;
    public int NumLayers => Config.Layers;
    public int HiddenSize => Config.HiddenSize;
    public SequencePooling Pooling => SequencePooling.LastToken;

    public Tensor Embed(Tensor inputIds) => embed_tokens.forward(inputIds);

    public Tensor AttentionBias(Tensor attentionMask, ScalarType dtype) => CausalMask.Bias(attentionMask, dtype);

    public Tensor RunLayers(Tensor hidden, Tensor attentionBias, int fromLayer, int toLayer)
    {
        if (fromLayer < 0 || toLayer > NumLayers || fromLayer > toLayer)
        {
            throw new ArgumentOutOfRangeException(nameof(fromLayer), $"layer range [{fromLayer}, {toLayer}) is outside [0, {NumLayers}]");
        }
        var current = hidden.alias();
        for (int i = fromLayer; i < toLayer; i++)
        {
            var next = layers[i].forward(current, attentionBias);
            current.Dispose();
            current = next;
        }
        // The final norm closes the last block, so it belongs to the range that runs that block (an empty range
        // [L, L), the classifier's top after a whole-model bottom, is the identity).
        if (toLayer == NumLayers && fromLayer < toLayer)
        {
            var normed = norm.forward(current);
            current.Dispose();
            current = normed;
        }
        return current;
    }

    public IEnumerable<(string Target, AdaptableLinear Linear)> LinearsOf(int layer) => layers[layer].Linears();

    public Tensor Logits(Tensor hidden)
    {
        if (!HasLanguageModelHead)
        {
            throw new InvalidOperationException("this backbone was built without its language-model head");
        }
        return nn.functional.linear(hidden, lm_head ?? embed_tokens.weight!);
    }

    /// <summary>Checkpoint names: "model." + name, and lm_head.weight at the top level.</summary>
    public static CheckpointNames Names { get; } = new(
        name => name == "lm_head" ? ["lm_head.weight"] : [$"model.{name}", name],
        _ => false);
}
