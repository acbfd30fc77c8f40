using FedLab.Engine.Models.Decoder;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Gpt2;

/// <summary>
/// GPT-2: wte + wpe (learned positions 0..T-1), blocks h.N, ln_f; the language-model head is tied to wte.
/// Parameter names are the checkpoint keys without "transformer.".
/// </summary>
public sealed class Gpt2Backbone : nn.Module, ICausalLanguageModel
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly Embedding wte;
    private readonly Embedding wpe;
    private readonly ModuleList<Gpt2Block> h;
    private readonly LayerNorm ln_f;
    private readonly Parameter? lm_head;
#pragma warning restore IDE1006

    public Gpt2Backbone(DecoderConfig config, double dropout, Device device, bool withLanguageModelHead) : base(nameof(Gpt2Backbone))
    {
        Config = config;
        wte = nn.Embedding(config.VocabSize, config.HiddenSize, device: device);
        wpe = nn.Embedding(config.MaxPositions, config.HiddenSize, device: device);
        h = new ModuleList<Gpt2Block>([.. Enumerable.Range(0, config.Layers).Select(_ => new Gpt2Block(config, dropout, device))]);
        ln_f = nn.LayerNorm(config.HiddenSize, config.NormEps, device: device);
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

    public Tensor Embed(Tensor inputIds)
    {
        long tokens = inputIds.shape[1];
        if (tokens > Config.MaxPositions)
        {
            throw new ArgumentException($"GPT-2 has {Config.MaxPositions} positions; the batch has {tokens} tokens", nameof(inputIds));
        }
        using var positions = arange(tokens, dtype: ScalarType.Int64, device: inputIds.device);
        using var tokenEmbeddings = wte.forward(inputIds);
        using var positionEmbeddings = wpe.forward(positions);
        return tokenEmbeddings + positionEmbeddings;
    }

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
            var next = h[i].forward(current, attentionBias);
            current.Dispose();
            current = next;
        }
        // The final norm closes the last block, so it belongs to the range that runs that block (an empty range
        // [L, L), the classifier's top after a whole-model bottom, is the identity).
        if (toLayer == NumLayers && fromLayer < toLayer)
        {
            var normed = ln_f.forward(current);
            current.Dispose();
            current = normed;
        }
        return current;
    }

    public IEnumerable<(string Target, AdaptableLinear Linear)> LinearsOf(int layer) => h[layer].Linears();

    public Tensor Logits(Tensor hidden)
    {
        if (!HasLanguageModelHead)
        {
            throw new InvalidOperationException("this backbone was built without its language-model head");
        }
        return nn.functional.linear(hidden, lm_head ?? wte.weight!);
    }

    /// <summary>
    /// Checkpoint names: "transformer." + name (GPT2LMHeadModel) or the bare name (the original gpt2 upload); the
    /// Conv1D weights of c_attn, c_proj and c_fc are stored [in, out].
    /// </summary>
    public static CheckpointNames Names { get; } = new(
        name => name == "lm_head" ? ["lm_head.weight"] : [$"transformer.{name}", name],
        name => name.EndsWith(".weight", StringComparison.Ordinal)
            && (name.Contains(".c_attn.", StringComparison.Ordinal) || name.Contains(".c_proj.", StringComparison.Ordinal) || name.Contains(".c_fc.", StringComparison.Ordinal)));
}
