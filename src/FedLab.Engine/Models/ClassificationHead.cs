using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Models;

/// <summary>Mean pooling over real (unpadded) tokens, then a linear layer to class logits.</summary>
public sealed class ClassificationHead : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly Linear dense;
#pragma warning restore IDE1006

    public ClassificationHead(int hiddenSize, int numClasses, Device device) : base(nameof(ClassificationHead))
    {
        dense = nn.Linear(hiddenSize, numClasses, device: device);
        RegisterComponents();
    }

    /// <param name="hidden">[batch, tokens, hidden]</param>
    /// <param name="attentionMask">[batch, tokens] of 0/1</param>
    public override Tensor forward(Tensor hidden, Tensor attentionMask)
    {
        using var pooled = MeanPool(hidden, attentionMask);
        return dense.forward(pooled);
    }

    public static Tensor MeanPool(Tensor hidden, Tensor attentionMask)
    {
        using var mask = attentionMask.unsqueeze(-1).to_type(hidden.dtype);
        using var summed = (hidden * mask).sum(1);
        using var counts = mask.sum(1).clamp_min(1e-9);
        return summed / counts;
    }
}
