using FedLab.Engine.Models.Decoder;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Gpt2;

/// <summary>GPT-2 attention: one fused c_attn projection to q, k and v, causal scaled dot-product attention, c_proj.</summary>
public sealed class Gpt2Attention : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly AdaptableLinear c_attn;
    private readonly AdaptableLinear c_proj;
#pragma warning restore IDE1006
    private readonly int _heads;
    private readonly int _headDim;
    private readonly double _dropout;

    public Gpt2Attention(DecoderConfig config, double dropout, Device device) : base(nameof(Gpt2Attention))
    {
        _heads = config.Heads;
        _headDim = config.HeadDim;
        _dropout = dropout;
        c_attn = new AdaptableLinear(config.HiddenSize, 3 * config.HiddenSize, device);
        c_proj = new AdaptableLinear(config.HiddenSize, config.HiddenSize, device);
        RegisterComponents();
    }

    internal IEnumerable<(string Target, AdaptableLinear Linear)> Linears()
    {
        yield return (Gpt2Family.Attention, c_attn);
        yield return (Gpt2Family.Projection, c_proj);
    }

    public override Tensor forward(Tensor hidden, Tensor bias)
    {
        using var scope = NewDisposeScope();
        long batch = hidden.shape[0], tokens = hidden.shape[1], width = _heads * _headDim;
        var qkv = c_attn.forward(hidden);
        var q = qkv.narrow(-1, 0, width).view(batch, tokens, _heads, _headDim).transpose(1, 2);
        var k = qkv.narrow(-1, width, width).view(batch, tokens, _heads, _headDim).transpose(1, 2);
        var v = qkv.narrow(-1, 2 * width, width).view(batch, tokens, _heads, _headDim).transpose(1, 2);
        var context = nn.functional.scaled_dot_product_attention(q, k, v, bias, training ? _dropout : 0.0);
        var merged = context.transpose(1, 2).reshape(batch, tokens, width);
        return c_proj.forward(merged).MoveToOuterDisposeScope();
    }
}
