namespace FedLab.Engine.Models;

/// <summary>Shape of a BERT-family encoder. Real models take theirs from the catalog.</summary>
public sealed record EncoderConfig(
    int VocabSize,
    int HiddenSize,
    int Layers,
    int Heads,
    int IntermediateSize,
    int MaxPositions = 512,
    int TypeVocabSize = 2,
    double LayerNormEps = 1e-12)
{
    public int HeadDim => HiddenSize / Heads;

    /// <summary>Returns the same architecture with only the first <paramref name="layers"/> blocks.</summary>
    public EncoderConfig WithLayers(int layers) => this with { Layers = layers };
}
