using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Decoder;

/// <summary>Root-mean-square normalisation as Llama, Qwen2 and Qwen3 compute it (in float32, then scaled by <c>weight</c>).</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly Parameter weight;
#pragma warning restore IDE1006
    private readonly double _eps;

    public RmsNorm(long size, double eps, Device device) : base(nameof(RmsNorm))
    {
        weight = new Parameter(ones(size, device: device));
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var x = input.to_type(ScalarType.Float32);
        using var variance = x.pow(2).mean([-1], keepdim: true);
        using var inverse = (variance + _eps).rsqrt();
        using var normed = x * inverse;
        using var cast = normed.to_type(input.dtype);
        return weight * cast;
    }
}
