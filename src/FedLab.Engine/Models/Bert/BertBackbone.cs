using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Bert;

/// <summary>A BERT encoder (embeddings + blocks) whose parameter names are the Hugging Face checkpoint keys.</summary>
public sealed class BertBackbone : nn.Module, ITextBackbone
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;
#pragma warning restore IDE1006

    public BertBackbone(BertConfig config, double dropoutRate, Device device) : base(nameof(BertBackbone))
    {
        Config = config;
        embeddings = new BertEmbeddings(config, dropoutRate, device);
        encoder = new BertEncoder(config, dropoutRate, device);
        RegisterComponents();
    }

    public BertConfig Config { get; }

    public TransformerShape Shape => Config.Shape;
    public int NumLayers => Config.Layers;
    public int HiddenSize => Config.HiddenSize;

    /// <summary>Its embeddings, LayerNorms and linear layers all honour per-client parameters (batched full fine-tuning).</summary>
    public bool AppliesPerClientParameters => true;

    public Tensor Embed(Tensor inputIds) => embeddings.forward(inputIds);

    public Tensor AttentionBias(Tensor attentionMask, ScalarType dtype)
    {
        // (1 - mask) * min: zero where attended, the most negative finite value where padded (as HF does).
        using var inverted = 1 - attentionMask.to_type(dtype);
        using var expanded = inverted.unsqueeze(1).unsqueeze(2);
        double min = dtype == ScalarType.Float16 ? -65504.0 : float.MinValue;
        return expanded.mul(min);
    }

    public Tensor RunLayers(Tensor hidden, Tensor attentionBias, int fromLayer, int toLayer)
    {
        if (fromLayer < 0 || toLayer > NumLayers || fromLayer > toLayer)
        {
            throw new ArgumentOutOfRangeException(nameof(fromLayer), $"layer range [{fromLayer}, {toLayer}) is outside [0, {NumLayers}]");
        }
        var current = hidden.alias();
        for (int i = fromLayer; i < toLayer; i++)
        {
            var next = encoder.Layer(i).forward(current, attentionBias);
            current.Dispose();
            current = next;
        }
        return current;
    }

    public IEnumerable<(string Target, AdaptableLinear Linear)> LinearsOf(int layer) => encoder.Layer(layer).Linears();
}
