using FedLab.Engine.Models;
using FedLab.Engine.Runs;
using static TorchSharp.torch;

namespace FedLab.Engine.Performance;

/// <summary>
/// Applies the spec's <c>precision</c> to a freshly loaded backbone, before adapters are added (issue 16): every
/// adaptable linear layer multiplies in bf16 (or fp16 on CUDA); where fine-tuning leaves its weight frozen (LoRA,
/// head-only) the weight is stored in that type too, halving its memory. Trainable state (adapters, head, or all
/// weights in full fine-tuning), the optimizer and aggregation stay float32; embeddings, layer norms, attention
/// scores and softmax stay float32.
/// </summary>
public static class PrecisionPolicy
{
    public static ScalarType? ComputeType(PrecisionKind precision) => precision switch
    {
        PrecisionKind.Bf16 => ScalarType.BFloat16,
        PrecisionKind.Fp16 => ScalarType.Float16,
        _ => null,
    };

    /// <summary>Sets the compute type of the backbone's linear layers; returns how many it changed.</summary>
    public static int Apply(ITextBackbone backbone, PrecisionKind precision, FineTuneMode mode)
    {
        if (ComputeType(precision) is not ScalarType dtype)
        {
            return 0;
        }
        int changed = 0;
        for (int layer = 0; layer < backbone.NumLayers; layer++)
        {
            foreach (var (_, linear) in backbone.LinearsOf(layer))
            {
                linear.UseComputeType(dtype, storeWeight: mode != FineTuneMode.Full);
                changed++;
            }
        }
        return changed;
    }
}
