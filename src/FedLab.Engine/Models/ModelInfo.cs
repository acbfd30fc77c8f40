namespace FedLab.Engine.Models;

/// <summary>A model a run spec may name: its family, its shape and where its weights and tokenizer come from.</summary>
public sealed record ModelInfo(string Id, string DisplayName, IModelFamily Family, TransformerShape Shape, ModelSource Source)
{
    public bool IsPretrained => Source.HasWeights;
}
