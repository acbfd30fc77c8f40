using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;
using FedLab.Tests.Shared;

namespace FedLab.Engine.Tests.Frameworks.Decoders;

/// <summary>
/// The contract suite's specs on a tiny decoder of each family: classification by the last real token, LoRA on
/// every PEFT target of the family (q, k, v, o, gate, up, down; GPT-2: c_attn, c_proj, c_fc).
/// </summary>
internal static class DecoderContractSpecs
{
    public static RunSpec FedLlm(string family, int clients, int rounds, int seed) =>
        TinySpecs.FedLlm(clients, rounds, seed: seed) with
        {
            Model = TinyDecoders.Folder(family),
            FineTune = new FineTuneSpec
            {
                Mode = FineTuneKind.Lora,
                Lora = new LoraSpec { Rank = 2, Alpha = 4, Targets = family == TinyDecoders.Gpt2 ? ["c_attn", "c_proj", "c_fc"] : ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"] },
            },
        };

    public static RunSpec Kd(string family, int clients, int rounds, int seed) =>
        FedLlm(family, clients, rounds, seed) with { Framework = KdFramework.Id, Kd = new KdOptions { PublicSize = 24, DistillationSteps = 2 } };

    public static RunSpec Split(string family, int clients, int rounds, int seed) =>
        FedLlm(family, clients, rounds, seed) with
        {
            Framework = SplitFramework.Id,
            Split = new SplitOptions { CutLayer = 1, Variant = SplitVariant.SplitFed, ActivationPrecision = WirePrecision.Fp16 },
        };
}
