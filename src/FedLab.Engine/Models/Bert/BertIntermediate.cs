using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Bert;

/// <summary>The feed-forward expansion with exact (erf) GELU, as BERT uses.</summary>
public sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly AdaptableLinear dense;
#pragma warning restore IDE1006

    public BertIntermediate(BertConfig config, Device device) : base(nameof(BertIntermediate))
    {
        dense = new AdaptableLinear(config.HiddenSize, config.IntermediateSize, device);
        RegisterComponents();
    }

    internal AdaptableLinear Dense => dense;

    public override Tensor forward(Tensor hidden)
    {
        using var projected = dense.forward(hidden);
        return nn.functional.gelu(projected);
    }
}
