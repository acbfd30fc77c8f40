using static TorchSharp.torch;

namespace FedLab.Engine.Models.Decoder;

/// <summary>A decoder backbone that also maps its final hidden states to next-token logits over the vocabulary.</summary>
public interface ICausalLanguageModel : ITextBackbone
{
    /// <summary>The config the backbone was built from (its layer count may be truncated).</summary>
    DecoderConfig Config { get; }

    bool HasLanguageModelHead { get; }

    /// <summary>[.., hidden] (after the final norm) to [.., vocab] logits; tied heads use the token embeddings.</summary>
    Tensor Logits(Tensor hidden);
}
