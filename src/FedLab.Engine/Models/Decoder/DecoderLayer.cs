using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Decoder;

/// <summary>One pre-norm decoder block: x + attn(input_layernorm(x)), then h + mlp(post_attention_layernorm(h)).</summary>
public sealed class DecoderLayer : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly DecoderAttention self_attn;
    private readonly GatedMlp mlp;
    private readonly RmsNorm input_layernorm;
    private readonly RmsNorm post_attention_layernorm;
#pragma warning restore IDE1006

    public DecoderLayer(DecoderConfig config, RotaryEmbedding rotary, double dropout, Device device) : base(nameof(DecoderLayer))
    {
        self_attn = new DecoderAttention(config, rotary, dropout, device);
        mlp = new GatedMlp(config, device);
        input_layernorm = new RmsNorm(config.HiddenSize, config.NormEps, device);
        post_attention_layernorm = new RmsNorm(config.HiddenSize, config.NormEps, device);
        RegisterComponents();
    }

    internal IEnumerable<(string Target, AdaptableLinear Linear)> Linears() => self_attn.Linears().Concat(mlp.Linears());

    public override Tensor forward(Tensor hidden, Tensor bias)
    {
        using var normed = input_layernorm.forward(hidden);
        using var attended = self_attn.forward(normed, bias);
        using var residual = hidden + attended;
        using var normed2 = post_attention_layernorm.forward(residual);
        using var fed = mlp.forward(normed2);
        return residual + fed;
    }
}
