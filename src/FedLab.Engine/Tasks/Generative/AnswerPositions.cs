using FedLab.Engine.Models;
using static TorchSharp.torch;

namespace FedLab.Engine.Tasks.Generative;

/// <summary>
/// Logits at chosen positions only: the final hidden states of the whole model, the rows wanted gathered, then the
/// language-model head on those rows. Evaluation, KD and generation need a few positions per sequence; computing
/// the head over every position of a batch would need batch · tokens · vocabulary floats.
/// </summary>
internal static class AnswerPositions
{
    /// <summary>[rows, vocab] logits of <paramref name="model"/> at the flat positions (b · tokens + t) where <paramref name="select"/> is true.</summary>
    public static Tensor Logits(SequenceClassifier model, Tensor inputIds, Tensor attentionMask, Tensor select)
    {
        using var hidden = model.Encode(inputIds, attentionMask);
        using var flat = hidden.reshape(-1, hidden.shape[^1]);
        using var where = select.nonzero().squeeze(1);
        using var rows = flat.index_select(0, where);
        using var asBatch = rows.unsqueeze(0);
        return model.Top(asBatch, attentionMask, model.NumLayers);
    }

    /// <summary>[batch, vocab] logits at each row's last real token (right padding): what greedy generation extends.</summary>
    public static Tensor Last(SequenceClassifier model, Tensor inputIds, Tensor attentionMask)
    {
        using var hidden = model.Encode(inputIds, attentionMask);
        using var last = ClassificationHead.LastTokenPool(hidden, attentionMask);
        using var asBatch = last.unsqueeze(0);
        return model.Top(asBatch, attentionMask, model.NumLayers);
    }
}
