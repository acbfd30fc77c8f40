using static TorchSharp.torch;

namespace FedLab.Engine.Models.Decoder;

/// <summary>The additive attention bias of a decoder: a position sees itself and earlier real tokens.</summary>
public static class CausalMask
{
    /// <summary>[batch, 1, tokens, tokens]: 0 where attended, the dtype's most negative finite value elsewhere.</summary>
    public static Tensor Bias(Tensor attentionMask, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        long tokens = attentionMask.shape[1];
        var causal = ones(tokens, tokens, ScalarType.Bool, device: attentionMask.device).tril();
        var keys = attentionMask.to_type(ScalarType.Bool).unsqueeze(1).unsqueeze(2);
        var allowed = causal.unsqueeze(0).unsqueeze(0).logical_and(keys);
        double min = dtype == ScalarType.Float16 ? -65504.0 : dtype == ScalarType.BFloat16 ? -3.38e38 : float.MinValue;
        var bias = zeros([attentionMask.shape[0], 1, tokens, tokens], dtype, device: attentionMask.device).masked_fill(allowed.logical_not(), min);
        return bias.MoveToOuterDisposeScope();
    }
}
