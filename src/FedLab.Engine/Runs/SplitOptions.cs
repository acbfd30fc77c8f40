namespace FedLab.Engine.Runs;

/// <summary>
/// Split-FedLLM options; used when the framework is split. The client runs the embeddings and blocks [0, cutLayer),
/// the server blocks [cutLayer, layers) and the head. Per batch, activations, the attention mask and the labels go
/// up and the gradient of the activations comes down.
/// </summary>
public sealed record SplitOptions
{
    /// <summary>The cut: 1 .. layers − 1.</summary>
    public int CutLayer { get; init; } = 1;

    public SplitVariant Variant { get; init; } = SplitVariant.SplitFed;

    /// <summary>Precision of the activations and their gradients on the wire.</summary>
    public WirePrecision ActivationPrecision { get; init; } = WirePrecision.Fp32;
}
