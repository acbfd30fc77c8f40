namespace FedLab.Engine.Models;

/// <summary>
/// The shape of a transformer backbone in the terms every family shares: what FLOP models, cut points, validation and
/// the dashboard need. A family's own config (BERT's positions and token types, a decoder's RoPE and key-value heads)
/// stays inside its folder.
/// </summary>
public sealed record TransformerShape(int VocabSize, int HiddenSize, int Layers, int Heads, int IntermediateSize)
{
    public TransformerShape WithLayers(int layers) => this with { Layers = layers };
}
