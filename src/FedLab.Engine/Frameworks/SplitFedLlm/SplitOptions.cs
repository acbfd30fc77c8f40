using System.ComponentModel;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Frameworks.SplitFedLlm;

/// <summary>
/// Split-FedLLM options; used when the framework is split. The client runs the embeddings and blocks [0, cutLayer),
/// the server blocks [cutLayer, layers) and the head. Per batch, activations, the attention mask and the labels go
/// up and the gradient of the activations comes down.
/// </summary>
public sealed record SplitOptions
{
    /// <summary>The cut: 1 .. layers − 1.</summary>
    [Description("The client runs the embeddings and the blocks below the cut, the server the rest and the head. Every batch the activations, the mask and the labels go up (the server sees every training label: a privacy trade-off) and their gradient comes down.")]
    public int CutLayer { get; init; } = 1;

    [Description("sequential: clients take turns and pass the client-side part on. splitfed: clients train in parallel and their client-side parts are averaged each round.")]
    public SplitVariant Variant { get; init; } = SplitVariant.SplitFed;

    /// <summary>Precision of the activations and their gradients on the wire.</summary>
    [Description("fp16 halves the bytes of activations and gradients.")]
    public WirePrecision ActivationPrecision { get; init; } = WirePrecision.Fp32;
}
