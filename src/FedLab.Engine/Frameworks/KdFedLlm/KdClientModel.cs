namespace FedLab.Engine.Frameworks.KdFedLlm;

/// <summary>A KD client architecture: a catalog model, optionally cut to its first <see cref="Layers"/> blocks.</summary>
public sealed record KdClientModel
{
    public required string Model { get; init; }

    /// <summary>Keep only the first blocks (1 .. the model's layers); null = all.</summary>
    public int? Layers { get; init; }
}
