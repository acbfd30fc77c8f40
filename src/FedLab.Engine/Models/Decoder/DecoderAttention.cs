using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Decoder;

/// <summary>
/// Grouped-query self-attention of Llama, Mistral, Qwen2 and Qwen3 (Hugging Face names q_proj, k_proj, v_proj,
/// o_proj; Qwen3's q_norm and k_norm per head before the rotation). Key-value head g serves query heads
/// g·r .. g·r + r - 1 (r = heads / kvHeads), as transformers' repeat_kv.
/// </summary>
public sealed class DecoderAttention : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly AdaptableLinear q_proj;
    private readonly AdaptableLinear k_proj;
    private readonly AdaptableLinear v_proj;
    private readonly AdaptableLinear o_proj;
    private readonly RmsNorm? q_norm;
    private readonly RmsNorm? k_norm;
#pragma warning restore IDE1006
    private readonly RotaryEmbedding _rotary;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;
    private readonly double _dropout;

    public DecoderAttention(DecoderConfig config, RotaryEmbedding rotary, double dropout, Device device) : base(nameof(DecoderAttention))
    {
        _heads = config.Heads;
        _kvHeads = config.KeyValueHeads;
        _headDim = config.HeadDim;
        _rotary = rotary;
        _dropout = dropout;
        q_proj = new AdaptableLinear(config.HiddenSize, _heads * _headDim, device, config.QkvBias);
        k_proj = new AdaptableLinear(config.HiddenSize, _kvHeads * _headDim, device, config.QkvBias);
        v_proj = new AdaptableLinear(config.HiddenSize, _kvHeads * _headDim, device, config.QkvBias);
        o_proj = new AdaptableLinear(_heads * _headDim, config.HiddenSize, device, config.OutputBias);
        if (config.QkNorm)
        {
            q_norm = new RmsNorm(_headDim, config.NormEps, device);
            k_norm = new RmsNorm(_headDim, config.NormEps, device);
        }
        RegisterComponents();
    }

    internal IEnumerable<(string Target, AdaptableLinear Linear)> Linears()
    {
        yield return ("q_proj", q_proj);
        yield return ("k_proj", k_proj);
        yield return ("v_proj", v_proj);
        yield return ("o_proj", o_proj);
    }

    /// <param name="hidden">[batch, tokens, hidden]</param>
    /// <param name="bias">[batch, 1, tokens, tokens] causal and padding bias</param>
    public override Tensor forward(Tensor hidden, Tensor bias)
    {
        using var scope = NewDisposeScope();
        long batch = hidden.shape[0], tokens = hidden.shape[1];
        var q = q_proj.forward(hidden).view(batch, tokens, _heads, _headDim);
        var k = k_proj.forward(hidden).view(batch, tokens, _kvHeads, _headDim);
        var v = v_proj.forward(hidden).view(batch, tokens, _kvHeads, _headDim).transpose(1, 2);
        if (q_norm is not null)
        {
            q = q_norm.forward(q);
            k = k_norm!.forward(k);
        }
        q = q.transpose(1, 2);
        k = k.transpose(1, 2);
        var (cos, sin) = _rotary.Angles(tokens, q.dtype, q.device);
        q = RotaryEmbedding.Apply(q, cos, sin);
        k = RotaryEmbedding.Apply(k, cos, sin);
        if (_kvHeads != _heads)
        {
            int repeat = _heads / _kvHeads;
            k = k.repeat_interleave(repeat, 1);
            v = v.repeat_interleave(repeat, 1);
        }
        double dropout = training ? _dropout : 0.0;
        var context = nn.functional.scaled_dot_product_attention(q, k, v, bias, dropout);
        var merged = context.transpose(1, 2).reshape(batch, tokens, _heads * _headDim);
        return o_proj.forward(merged).MoveToOuterDisposeScope();
    }
}
