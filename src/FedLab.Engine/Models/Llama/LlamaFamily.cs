using FedLab.Engine.Models.Decoder;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Llama;

/// <summary>
/// Llama 2 and 3 (TinyLlama, SmolLM) and Mistral: RMSNorm, RoPE (default, linear or llama3 scaling), grouped-query
/// attention, SwiGLU; LoRA on PEFT's module names q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj.
/// </summary>
public sealed class LlamaFamily : HfDecoderFamily
{
    public static LlamaFamily Instance { get; } = new();

    public override string Name => "llama";

    public override IReadOnlyList<string> LoraTargetNames { get; } = DecoderTargets.All;

    public override IReadOnlyList<string> ModelTypes { get; } = ["llama", "mistral"];

    public override double BlockMacsPerToken(TransformerShape shape) => DecoderTargets.GatedBlockMacs(shape);

    public override CheckpointNames Names => DecoderBackbone.Names;

    public override ICausalLanguageModel CreateModule(DecoderConfig config, double dropout, Device device, bool withLanguageModelHead) =>
        new DecoderBackbone(config, dropout, device, withLanguageModelHead);
}
