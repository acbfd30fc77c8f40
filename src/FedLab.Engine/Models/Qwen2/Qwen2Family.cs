using FedLab.Engine.Models.Decoder;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Qwen2;

/// <summary>
/// Qwen2 and Qwen2.5 (bias on q, k and v) and, as a variant, Qwen3 (RMSNorm on each head's q and k, no biases):
/// the Llama block otherwise. The variant is read from config.json's model_type.
/// </summary>
public sealed class Qwen2Family : HfDecoderFamily
{
    private Qwen2Family(string name, string modelType)
    {
        Name = name;
        ModelTypes = [modelType];
    }

    public static Qwen2Family Instance { get; } = new("qwen2", "qwen2");

    public static Qwen2Family Qwen3 { get; } = new("qwen3", "qwen3");

    public override string Name { get; }

    public override IReadOnlyList<string> LoraTargetNames { get; } = DecoderTargets.All;

    public override IReadOnlyList<string> ModelTypes { get; }

    public override double BlockMacsPerToken(TransformerShape shape) => DecoderTargets.GatedBlockMacs(shape);

    public override CheckpointNames Names => DecoderBackbone.Names;

    public override ICausalLanguageModel CreateModule(DecoderConfig config, double dropout, Device device, bool withLanguageModelHead) =>
        new DecoderBackbone(config, dropout, device, withLanguageModelHead);
}
