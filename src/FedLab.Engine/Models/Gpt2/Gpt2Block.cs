using FedLab.Engine.Models.Decoder;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Gpt2;

/// <summary>One GPT-2 block: x + attn(ln_1(x)), then h + mlp(ln_2(h)).</summary>
public sealed class Gpt2Block : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly LayerNorm ln_1;
    private readonly Gpt2Attention attn;
    private readonly LayerNorm ln_2;
    private readonly Gpt2Mlp mlp;
#pragma warning restore IDE1006

    public Gpt2Block(DecoderConfig config, double dropout, Device device) : base(nameof(Gpt2Block))
    {
        ln_1 = nn.LayerNorm(config.HiddenSize, config.NormEps, device: device);
        attn = new Gpt2Attention(config, dropout, device);
        ln_2 = nn.LayerNorm(config.HiddenSize, config.NormEps, device: device);
        mlp = new Gpt2Mlp(config, device);
        RegisterComponents();
    }

    internal IEnumerable<(string Target, AdaptableLinear Linear)> Linears() => attn.Linears().Concat(mlp.Linears());

    public override Tensor forward(Tensor hidden, Tensor bias)
    {
        using var normed = ln_1.forward(hidden);
        using var attended = attn.forward(normed, bias);
        using var residual = hidden + attended;
        using var normed2 = ln_2.forward(residual);
        using var fed = mlp.forward(normed2);
        return residual + fed;
    }
}
