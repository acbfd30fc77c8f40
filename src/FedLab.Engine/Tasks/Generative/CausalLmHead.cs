using FedLab.Engine.Models.Decoder;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Tasks.Generative;

/// <summary>
/// The task head of a generative model: the decoder's own language-model head (lm_head, or the token embeddings when
/// tied) over every position, flattened to [batch · tokens, vocab] so that cross-entropy against
/// <see cref="ResponseTargets"/> (ignore_index −100) is the mean loss over answer tokens. It owns no parameter: the
/// head's weight stays the backbone's (<c>backbone.lm_head</c>, frozen under LoRA, as PEFT leaves it), so a tied head is
/// never duplicated. The backbone is held as a delegate, not a module field, so it is not registered twice.
/// </summary>
public sealed class CausalLmHead : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Func<Tensor, Tensor> _logits;

    public CausalLmHead(ICausalLanguageModel model) : base(nameof(CausalLmHead))
    {
        if (!model.HasLanguageModelHead)
        {
            throw new ArgumentException("the decoder was built without its language-model head", nameof(model));
        }
        _logits = model.Logits;
        VocabSize = model.Config.VocabSize;
        RegisterComponents();
    }

    public int VocabSize { get; }

    /// <param name="hidden">[batch, tokens, hidden], after the final norm.</param>
    /// <param name="attentionMask">Unused: padding positions carry ignored targets.</param>
    public override Tensor forward(Tensor hidden, Tensor attentionMask)
    {
        using var logits = _logits(hidden);
        return logits.reshape(-1, logits.shape[^1]);
    }
}
