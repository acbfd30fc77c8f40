using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Bert;

/// <summary>Self-attention followed by its output projection and residual LayerNorm.</summary>
public sealed class BertAttention : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly BertSelfAttention self;
    private readonly BertSelfOutput output;
#pragma warning restore IDE1006

    public BertAttention(BertConfig config, double dropoutRate, Device device) : base(nameof(BertAttention))
    {
        self = new BertSelfAttention(config, dropoutRate, device);
        output = new BertSelfOutput(config, config.HiddenSize, dropoutRate, device);
        RegisterComponents();
    }

    internal BertSelfAttention Self => self;
    internal BertSelfOutput Output => output;

    public override Tensor forward(Tensor hidden, Tensor attentionBias)
    {
        using var context = self.forward(hidden, attentionBias);
        return output.forward(context, hidden);
    }
}
