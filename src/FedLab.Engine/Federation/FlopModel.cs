using FedLab.Engine.Models;

namespace FedLab.Engine.Federation;

/// <summary>
/// Analytic FLOPs of a transformer backbone, counting matrix multiplies only (one multiply-add = 2 FLOPs; embeddings
/// lookups, LayerNorm, GELU and softmax are elementwise and left out, as is usual).
/// For a batch of B sequences padded to T tokens, hidden H, feed-forward I, per block:
///   forward  F_blk = 2·B·T·M                   (M: the family's dense multiply-adds per token of one block,
///                                               IModelFamily.BlockMacsPerToken; BERT: 4·H² + 2·H·I for q, k, v,
///                                               attention-output and the two feed-forward linears)
///                  + 4·B·T²·H                  (scores Q·Kᵀ and context P·V)
///                  + Σ_adapted 2·B·T·r·(in+out) (LoRA down and up projections)
///   head     F_head = 2·B·H·C                (a generative model's language-model head runs at every position:
///                                               2·B·T·H·V, V the vocabulary; see HeadPerToken)
/// Backward through a block costs F_blk again for the activation gradients (needed whenever a trainable
/// parameter lies in or below it), plus, for each trainable weight matrix, 2·B·T·in·out for its gradient
/// (LoRA: 2·B·T·r·(in+out)). Blocks below the lowest trainable parameter get no backward pass at all.
/// </summary>
/// <param name="shape">The backbone's shape (its layer count is the number of blocks).</param>
/// <param name="blockMacsPerToken">M above.</param>
/// <param name="loraWidth">Σ (in + out) over the linears of one block that carry an adapter.</param>
public sealed class FlopModel(TransformerShape shape, double blockMacsPerToken, double loraWidth, int numClasses, FineTuneMode mode, LoraOptions? lora, int loraFromLayer = 0)
{
    /// <summary>The FLOP model of <paramref name="backbone"/> as built (its adapters on <paramref name="lora"/>'s targets).</summary>
    public static FlopModel For(ITextBackbone backbone, IModelFamily family, int numClasses, FineTuneMode mode, LoraOptions? lora, int loraFromLayer = 0)
    {
        double width = 0;
        if (lora is not null && backbone.NumLayers > 0)
        {
            foreach (var (target, linear) in backbone.LinearsOf(0))
            {
                if (lora.Targets.Contains(target))
                {
                    width += linear.InFeatures + linear.OutFeatures;
                }
            }
        }
        return new FlopModel(backbone.Shape, family.BlockMacsPerToken(backbone.Shape), width, numClasses, mode, lora, loraFromLayer);
    }

    /// <summary>Forward FLOPs of blocks [from, to) for one batch.</summary>
    public double BlocksForward(int batch, int tokens, int from, int to)
    {
        double h = shape.HiddenSize, b = batch, t = tokens;
        double dense = 2 * b * t * blockMacsPerToken;
        double attention = 4 * b * t * t * h;
        double perBlock = dense + attention;
        double total = 0;
        for (int layer = from; layer < to; layer++)
        {
            total += perBlock + (mode == FineTuneMode.Lora && layer >= loraFromLayer ? LoraForward(b, t) : 0);
        }
        return total;
    }

    public double HeadForward(int batch) => 2.0 * batch * shape.HiddenSize * numClasses;

    /// <summary>
    /// A generative model's head: the language-model head over every position (numClasses is then the vocabulary), so
    /// its cost is per token; frozen under LoRA, so backward through it costs only the activation gradient.
    /// </summary>
    public bool HeadPerToken { get; init; }

    /// <summary>Whether the head's weight trains (a classification head always does; a frozen LM head does not).</summary>
    public bool HeadTrains { get; init; } = true;

    /// <summary>The same model with a language-model head over every position (numClasses: the vocabulary).</summary>
    public FlopModel WithLanguageModelHead(bool trains) =>
        new(shape, blockMacsPerToken, loraWidth, numClasses, mode, lora, loraFromLayer) { HeadPerToken = true, HeadTrains = trains };

    private double Head(int batch, int tokens) => HeadPerToken ? HeadForward(batch) * tokens : HeadForward(batch);

    /// <summary>Forward of the whole classifier (evaluation, logits on a public set).</summary>
    /// <summary>The number of blocks.</summary>
    public int Layers => shape.Layers;

    public double Forward(int batch, int tokens) => BlocksForward(batch, tokens, 0, shape.Layers) + Head(batch, tokens);

    /// <summary>One training step (forward + backward) over blocks [from, to) and, if included, the head.</summary>
    public double TrainStep(int batch, int tokens, int from, int to, bool includeHead)
    {
        double forward = BlocksForward(batch, tokens, from, to) + (includeHead ? Head(batch, tokens) : 0);
        double backward = includeHead ? (HeadTrains ? 2 : 1) * Head(batch, tokens) : 0;
        int lowestTrainable = mode switch
        {
            FineTuneMode.Full => from,
            FineTuneMode.Lora => Math.Max(from, loraFromLayer),
            _ => to, // head only: no gradient enters the blocks
        };
        double b = batch, t = tokens;
        for (int layer = lowestTrainable; layer < to; layer++)
        {
            backward += BlocksForward(batch, tokens, layer, layer + 1); // activation gradients
            backward += mode switch
            {
                FineTuneMode.Full => 2 * b * t * blockMacsPerToken,
                FineTuneMode.Lora => LoraForward(b, t),
                _ => 0,
            };
        }
        return forward + backward;
    }

    private double LoraForward(double b, double t) => lora is null ? 0 : 2 * b * t * lora.Rank * loraWidth;
}
