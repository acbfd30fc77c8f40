namespace FedLab.Engine.Models;

/// <summary>
/// The shape of a transformer backbone in the terms every family shares: what FLOP models, cut points, validation and
/// the dashboard need. A family's own config (BERT's positions and token types, a decoder's RoPE and key-value heads)
/// stays inside its folder.
/// </summary>
public sealed record TransformerShape(int VocabSize, int HiddenSize, int Layers, int Heads, int IntermediateSize)
{
    /// <summary>Key-value heads of grouped-query attention (decoders); null means one per query head.</summary>
    public int? KeyValueHeadCount { get; init; }

    /// <summary>Width of one attention head when the config sets it apart from hidden / heads (Qwen3); null otherwise.</summary>
    public int? HeadDimension { get; init; }

    public int KeyValueHeads => KeyValueHeadCount ?? Heads;

    public int HeadDim => HeadDimension ?? HiddenSize / Heads;

    public TransformerShape WithLayers(int layers) => this with { Layers = layers };
}
