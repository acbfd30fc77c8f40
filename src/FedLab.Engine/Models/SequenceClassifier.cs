using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Models;

/// <summary>
/// A text classifier: a pre-trained backbone plus a mean-pooling head. It can run whole or as a bottom part
/// (embeddings + first <c>cut</c> blocks) and a top part (remaining blocks + head) for split learning.
/// Parameter names: <c>backbone.*</c> are the checkpoint keys, <c>head.*</c> the task head.
/// </summary>
public sealed class SequenceClassifier : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly nn.Module backbone;
    private readonly nn.Module<Tensor, Tensor, Tensor> head;
#pragma warning restore IDE1006
    private readonly ITextBackbone _backbone;

    public SequenceClassifier(ITextBackbone backbone, int numClasses, Device device)
        : this(backbone, new ClassificationHead(backbone.HiddenSize, numClasses, device, backbone.Pooling), numClasses)
    {
    }

    /// <summary>
    /// A backbone with another task head: a generative model's <see cref="Tasks.Generative.CausalLmHead"/> (outputs: the
    /// vocabulary), which owns no parameter, so LoRA trains the adapters alone.
    /// </summary>
    public SequenceClassifier(ITextBackbone backbone, nn.Module<Tensor, Tensor, Tensor> head, int outputs) : base(nameof(SequenceClassifier))
    {
        _backbone = backbone;
        this.backbone = backbone as nn.Module ?? throw new ArgumentException("a backbone must be a TorchSharp module", nameof(backbone));
        this.head = head;
        NumClasses = outputs;
        RegisterComponents();
    }

    public ITextBackbone Backbone => _backbone;
    /// <summary>Classes of the head (a generative model: its vocabulary, the width of each position's logits).</summary>
    public int NumClasses { get; }
    public int NumLayers => _backbone.NumLayers;

    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var hidden = Bottom(inputIds, attentionMask, NumLayers);
        return Top(hidden, attentionMask, NumLayers);
    }

    /// <summary>Client side of a split: embeddings and blocks [0, cut).</summary>
    public Tensor Bottom(Tensor inputIds, Tensor attentionMask, int cut)
    {
        using var bias = _backbone.AttentionBias(attentionMask, ScalarType.Float32);
        using var embedded = _backbone.Embed(inputIds);
        return _backbone.RunLayers(embedded, bias, 0, cut);
    }

    /// <summary>Server side of a split: blocks [cut, L) and the head.</summary>
    public Tensor Top(Tensor hidden, Tensor attentionMask, int cut)
    {
        using var bias = _backbone.AttentionBias(attentionMask, hidden.dtype);
        using var encoded = _backbone.RunLayers(hidden, bias, cut, NumLayers);
        return head.forward(encoded, attentionMask);
    }

    /// <summary>Final hidden states without the head (used to compare against ONNX Runtime).</summary>
    public Tensor Encode(Tensor inputIds, Tensor attentionMask) => Bottom(inputIds, attentionMask, NumLayers);

    /// <summary>Adds LoRA adapters to the chosen linear layers of blocks [fromLayer, toLayer).</summary>
    public void AddLora(LoraOptions options, Device device, int fromLayer = 0, int? toLayer = null)
    {
        for (int layer = fromLayer; layer < (toLayer ?? NumLayers); layer++)
        {
            foreach (var (target, linear) in _backbone.LinearsOf(layer))
            {
                if (options.Targets.Contains(target))
                {
                    linear.AddAdapter(options, device);
                }
            }
        }
    }

    /// <summary>
    /// Freezes everything but what <paramref name="mode"/> trains. Returns the trainable parameters by name,
    /// in a stable order: the state a client holds and uploads.
    /// </summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> SetTrainable(FineTuneMode mode)
    {
        var trainable = new List<(string, Parameter)>();
        foreach (var (name, parameter) in named_parameters())
        {
            bool train = mode switch
            {
                FineTuneMode.Full => true,
                FineTuneMode.HeadOnly => name.StartsWith("head.", StringComparison.Ordinal),
                FineTuneMode.Lora => name.StartsWith("head.", StringComparison.Ordinal) || name.Contains(".lora_", StringComparison.Ordinal),
                _ => throw new ArgumentOutOfRangeException(nameof(mode)),
            };
            parameter.requires_grad = train;
            if (train)
            {
                trainable.Add((name, parameter));
            }
        }
        return trainable;
    }
}
