using static TorchSharp.torch;

namespace FedLab.Engine.Models;

/// <summary>
/// The one seam between model families and the frameworks: embed tokens, run a contiguous range of blocks,
/// and list the linear layers LoRA can adapt. Splitting the model at layer c is Embed + RunLayers(0, c) on
/// one side and RunLayers(c, L) + head on the other, so split learning needs nothing family-specific.
/// A decoder-only family (Llama, Qwen2, GPT-2) implements the same members with a causal attention bias.
/// </summary>
public interface ITextBackbone
{
    /// <summary>The backbone's shape (its layer count may be below its family config's, for a truncated KD client).</summary>
    TransformerShape Shape { get; }

    int NumLayers { get; }

    int HiddenSize { get; }

    /// <summary>[batch, tokens] int64 ids to [batch, tokens, hidden].</summary>
    Tensor Embed(Tensor inputIds);

    /// <summary>
    /// Additive attention bias from a [batch, tokens] 0/1 mask (right padding): [batch, 1, 1, tokens] for an encoder,
    /// [batch, 1, tokens, tokens] (causal and padding) for a decoder.
    /// </summary>
    Tensor AttentionBias(Tensor attentionMask, ScalarType dtype);

    /// <summary>Runs blocks <paramref name="fromLayer"/> (inclusive) to <paramref name="toLayer"/> (exclusive).</summary>
    Tensor RunLayers(Tensor hidden, Tensor attentionBias, int fromLayer, int toLayer);

    /// <summary>How a classification head pools this backbone's hidden states (decoders: the last real token).</summary>
    SequencePooling Pooling => SequencePooling.Mean;

    /// <summary>
    /// Whether every module with parameters is applied through <see cref="PerClientParameters"/> when one is registered
    /// on it (its linear layers, LayerNorms and embeddings), so that a group of clients can fine-tune all their weights
    /// in one batched pass (issue 16). False: full fine-tuning trains clients one after another.
    /// </summary>
    bool AppliesPerClientParameters => false;

    /// <summary>The adaptable linear layers of block <paramref name="layer"/>, with their family's LoRA target name.</summary>
    IEnumerable<(string Target, AdaptableLinear Linear)> LinearsOf(int layer);
}
