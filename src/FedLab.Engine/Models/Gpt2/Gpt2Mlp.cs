using FedLab.Engine.Models.Decoder;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Gpt2;

/// <summary>GPT-2's feed-forward block: c_proj(gelu_new(c_fc(x))), gelu_new being the tanh approximation.</summary>
public sealed class Gpt2Mlp : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly AdaptableLinear c_fc;
    private readonly AdaptableLinear c_proj;
#pragma warning restore IDE1006
    private readonly bool _tanh;

    public Gpt2Mlp(DecoderConfig config, Device device) : base(nameof(Gpt2Mlp))
    {
        c_fc = new AdaptableLinear(config.HiddenSize, config.IntermediateSize, device);
        c_proj = new AdaptableLinear(config.IntermediateSize, config.HiddenSize, device);
        _tanh = config.HiddenAct != "gelu";
        RegisterComponents();
    }

    internal IEnumerable<(string Target, AdaptableLinear Linear)> Linears()
    {
        yield return (Gpt2Family.FeedForward, c_fc);
        yield return (Gpt2Family.Projection, c_proj);
    }

    public override Tensor forward(Tensor input)
    {
        using var expanded = c_fc.forward(input);
        using var activated = _tanh ? GeluNew(expanded) : nn.functional.gelu(expanded);
        return c_proj.forward(activated);
    }

    /// <summary>transformers' NewGELUActivation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
    public static Tensor GeluNew(Tensor x)
    {
        using var scope = NewDisposeScope();
        var inner = (x + x.pow(3) * 0.044715) * Math.Sqrt(2.0 / Math.PI);
        return (x * 0.5 * (inner.tanh() + 1.0)).MoveToOuterDisposeScope();
    }
}
