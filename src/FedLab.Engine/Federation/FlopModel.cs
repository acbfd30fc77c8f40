using FedLab.Engine.Models;

namespace FedLab.Engine.Federation;

/// <summary>
/// Analytic FLOPs of the encoder, counting matrix multiplies only (one multiply-add = 2 FLOPs; embeddings
/// lookups, LayerNorm, GELU and softmax are elementwise and left out, as is usual).
/// For a batch of B sequences padded to T tokens, hidden H, feed-forward I, per block:
///   forward  F_blk = 2·B·T·(4·H² + 2·H·I)      (q, k, v, attention-output, two feed-forward linears)
///                  + 4·B·T²·H                  (scores Q·Kᵀ and context P·V)
///                  + Σ_adapted 2·B·T·r·(in+out) (LoRA down and up projections)
///   head     F_head = 2·B·H·C
/// Backward through a block costs F_blk again for the activation gradients (needed whenever a trainable
/// parameter lies in or below it), plus, for each trainable weight matrix, 2·B·T·in·out for its gradient
/// (LoRA: 2·B·T·r·(in+out)). Blocks below the lowest trainable parameter get no backward pass at all.
/// </summary>
public sealed class FlopModel(EncoderConfig config, int numClasses, FineTuneMode mode, LoraOptions? lora, int loraFromLayer = 0)
{
    /// <summary>Forward FLOPs of blocks [from, to) for one batch.</summary>
    public double BlocksForward(int batch, int tokens, int from, int to)
    {
        double h = config.HiddenSize, i = config.IntermediateSize, b = batch, t = tokens;
        double dense = 2 * b * t * (4 * h * h + 2 * h * i);
        double attention = 4 * b * t * t * h;
        double perBlock = dense + attention;
        double total = 0;
        for (int layer = from; layer < to; layer++)
        {
            total += perBlock + (mode == FineTuneMode.Lora && layer >= loraFromLayer ? LoraForward(b, t) : 0);
        }
        return total;
    }

    public double HeadForward(int batch) => 2.0 * batch * config.HiddenSize * numClasses;

    /// <summary>Forward of the whole classifier (evaluation, logits on a public set).</summary>
    public double Forward(int batch, int tokens) => BlocksForward(batch, tokens, 0, config.Layers) + HeadForward(batch);

    /// <summary>One training step (forward + backward) over blocks [from, to) and, if included, the head.</summary>
    public double TrainStep(int batch, int tokens, int from, int to, bool includeHead)
    {
        double forward = BlocksForward(batch, tokens, from, to) + (includeHead ? HeadForward(batch) : 0);
        double backward = includeHead ? 2 * HeadForward(batch) : 0;
        int lowestTrainable = mode switch
        {
            FineTuneMode.Full => from,
            FineTuneMode.Lora => Math.Max(from, loraFromLayer),
            _ => to, // head only: no gradient enters the blocks
        };
        double b = batch, t = tokens, h = config.HiddenSize, i = config.IntermediateSize;
        for (int layer = lowestTrainable; layer < to; layer++)
        {
            backward += BlocksForward(batch, tokens, layer, layer + 1); // activation gradients
            backward += mode switch
            {
                FineTuneMode.Full => 2 * b * t * (4 * h * h + 2 * h * i),
                FineTuneMode.Lora => LoraForward(b, t),
                _ => 0,
            };
        }
        return forward + backward;
    }

    private double LoraForward(double b, double t)
    {
        if (lora is null)
        {
            return 0;
        }
        double h = config.HiddenSize, i = config.IntermediateSize, r = lora.Rank, sum = 0;
        if ((lora.Targets & LoraTargets.Query) != 0) sum += h + h;
        if ((lora.Targets & LoraTargets.Key) != 0) sum += h + h;
        if ((lora.Targets & LoraTargets.Value) != 0) sum += h + h;
        if ((lora.Targets & LoraTargets.AttentionOutput) != 0) sum += h + h;
        if ((lora.Targets & LoraTargets.FeedForward) != 0) sum += 2 * (h + i);
        return 2 * b * t * r * sum;
    }
}
