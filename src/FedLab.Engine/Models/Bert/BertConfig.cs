namespace FedLab.Engine.Models.Bert;

/// <summary>A BERT encoder's hyper-parameters (Hugging Face's BertConfig names): the shape plus BERT's own extras.</summary>
public sealed record BertConfig(
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

    /// <summary>What the rest of FedLab sees of it.</summary>
    public TransformerShape Shape => new(VocabSize, HiddenSize, Layers, Heads, IntermediateSize);

    public static BertConfig From(TransformerShape shape) => new(shape.VocabSize, shape.HiddenSize, shape.Layers, shape.Heads, shape.IntermediateSize);
}
