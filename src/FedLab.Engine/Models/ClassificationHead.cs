using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Models;

/// <summary>Pooling (mean over real tokens, or the last real token), then a linear layer to class logits.</summary>
public sealed class ClassificationHead : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly Linear dense;
#pragma warning restore IDE1006

    private readonly SequencePooling _pooling;

    public ClassificationHead(int hiddenSize, int numClasses, Device device, SequencePooling pooling = SequencePooling.Mean) : base(nameof(ClassificationHead))
    {
        _pooling = pooling;
        dense = nn.Linear(hiddenSize, numClasses, device: device);
        RegisterComponents();
    }

    /// <param name="hidden">[batch, tokens, hidden]</param>
    /// <param name="attentionMask">[batch, tokens] of 0/1</param>
    public override Tensor forward(Tensor hidden, Tensor attentionMask)
    {
        using var pooled = _pooling == SequencePooling.LastToken ? LastTokenPool(hidden, attentionMask) : MeanPool(hidden, attentionMask);
        return dense.forward(pooled);
    }

    public static Tensor MeanPool(Tensor hidden, Tensor attentionMask)
    {
        using var mask = attentionMask.unsqueeze(-1).to_type(hidden.dtype);
        using var summed = (hidden * mask).sum(1);
        using var counts = mask.sum(1).clamp_min(1e-9);
        return summed / counts;
    }

    /// <summary>The hidden state of each row's last real token (right padding: position count - 1).</summary>
    public static Tensor LastTokenPool(Tensor hidden, Tensor attentionMask)
    {
        using var counts = attentionMask.sum(1, type: ScalarType.Int64);
        using var last = (counts - 1).clamp_min(0);
        using var index = last.view(-1, 1, 1).expand(-1, 1, hidden.shape[2]);
        using var gathered = hidden.gather(1, index);
        return gathered.squeeze(1);
    }
}
