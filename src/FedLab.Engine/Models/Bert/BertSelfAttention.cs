using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Bert;

/// <summary>Multi-head self-attention projections (query, key, value) with scaled dot-product attention.</summary>
public sealed class BertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly AdaptableLinear query;
    private readonly AdaptableLinear key;
    private readonly AdaptableLinear value;
#pragma warning restore IDE1006
    private readonly int _heads;
    private readonly int _headDim;
    private readonly double _attentionDropout;

    public BertSelfAttention(BertConfig config, double attentionDropout, Device device) : base(nameof(BertSelfAttention))
    {
        query = new AdaptableLinear(config.HiddenSize, config.HiddenSize, device);
        key = new AdaptableLinear(config.HiddenSize, config.HiddenSize, device);
        value = new AdaptableLinear(config.HiddenSize, config.HiddenSize, device);
        _heads = config.Heads;
        _headDim = config.HeadDim;
        _attentionDropout = attentionDropout;
        RegisterComponents();
    }

    internal AdaptableLinear Query => query;
    internal AdaptableLinear Key => key;
    internal AdaptableLinear Value => value;

    /// <param name="hidden">[batch, tokens, hidden]</param>
    /// <param name="attentionBias">[batch, 1, 1, tokens] additive mask: 0 for real tokens, a large negative for padding.</param>
    public override Tensor forward(Tensor hidden, Tensor attentionBias)
    {
        long batch = hidden.shape[0], tokens = hidden.shape[1];
        using var q = SplitHeads(query.forward(hidden), batch, tokens);
        using var k = SplitHeads(key.forward(hidden), batch, tokens);
        using var v = SplitHeads(value.forward(hidden), batch, tokens);
        double dropout = training ? _attentionDropout : 0.0;
        using var context = nn.functional.scaled_dot_product_attention(q, k, v, attentionBias, dropout);
        using var merged = context.transpose(1, 2);
        return merged.reshape(batch, tokens, _heads * _headDim);
    }

    private Tensor SplitHeads(Tensor projected, long batch, long tokens)
    {
        using (projected)
        {
            return projected.view(batch, tokens, _heads, _headDim).transpose(1, 2);
        }
    }
}
