using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Bert;

/// <summary>Dense projection, dropout and residual LayerNorm after attention or the feed-forward block.</summary>
public sealed class BertSelfOutput : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly AdaptableLinear dense;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
#pragma warning restore IDE1006

    public BertSelfOutput(BertConfig config, long inFeatures, double dropoutRate, Device device) : base(nameof(BertSelfOutput))
    {
        dense = new AdaptableLinear(inFeatures, config.HiddenSize, device);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device);
        dropout = nn.Dropout(dropoutRate);
        RegisterComponents();
    }

    internal AdaptableLinear Dense => dense;

    public override Tensor forward(Tensor hidden, Tensor residual)
    {
        using var projected = dense.forward(hidden);
        using var dropped = dropout.forward(projected);
        using var sum = dropped + residual;
        return PerClientParameters.LayerNorm(LayerNorm, sum);
    }
}
