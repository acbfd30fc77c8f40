using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Bert;

/// <summary>One encoder block: attention, then the feed-forward block, each with residual LayerNorm.</summary>
public sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly BertAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertSelfOutput output;
#pragma warning restore IDE1006

    public BertLayer(BertConfig config, double dropoutRate, Device device) : base(nameof(BertLayer))
    {
        attention = new BertAttention(config, dropoutRate, device);
        intermediate = new BertIntermediate(config, device);
        output = new BertSelfOutput(config, config.IntermediateSize, dropoutRate, device);
        RegisterComponents();
    }

    /// <summary>The linear layers that can carry LoRA adapters, by target kind.</summary>
    internal IEnumerable<(string Target, AdaptableLinear Linear)> Linears()
    {
        yield return (BertFamily.Query, attention.Self.Query);
        yield return (BertFamily.Key, attention.Self.Key);
        yield return (BertFamily.Value, attention.Self.Value);
        yield return (BertFamily.AttentionOutput, attention.Output.Dense);
        yield return (BertFamily.FeedForward, intermediate.Dense);
        yield return (BertFamily.FeedForward, output.Dense);
    }

    public override Tensor forward(Tensor hidden, Tensor attentionBias)
    {
        using var attended = attention.forward(hidden, attentionBias);
        using var expanded = intermediate.forward(attended);
        return output.forward(expanded, attended);
    }
}
