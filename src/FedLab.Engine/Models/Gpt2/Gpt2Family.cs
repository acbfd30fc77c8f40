using FedLab.Engine.Models.Decoder;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Gpt2;

/// <summary>
/// GPT-2: learned positions, LayerNorm, GELU (tanh), fused c_attn, Conv1D weights stored [in, out], head tied to
/// wte. LoRA targets follow PEFT's names: c_attn, c_proj (attention output and the feed-forward's down projection,
/// as PEFT's suffix match does) and c_fc.
/// </summary>
public sealed class Gpt2Family : HfDecoderFamily
{
    public const string Attention = "c_attn";
    public const string Projection = "c_proj";
    public const string FeedForward = "c_fc";

    public static Gpt2Family Instance { get; } = new();

    public override string Name => "gpt2";

    public override IReadOnlyList<string> LoraTargetNames { get; } = [Attention, Projection, FeedForward];

    public override IReadOnlyList<string> ModelTypes { get; } = ["gpt2"];

    /// <summary>Per token: c_attn (H × 3H), c_proj (H × H), c_fc and the feed-forward c_proj (H × I each).</summary>
    public override double BlockMacsPerToken(TransformerShape shape) => 4.0 * shape.HiddenSize * shape.HiddenSize + 2.0 * shape.HiddenSize * shape.IntermediateSize;

    public override CheckpointNames Names => Gpt2Backbone.Names;

    public override ICausalLanguageModel CreateModule(DecoderConfig config, double dropout, Device device, bool withLanguageModelHead) =>
        new Gpt2Backbone(config, dropout, device, withLanguageModelHead);
}
