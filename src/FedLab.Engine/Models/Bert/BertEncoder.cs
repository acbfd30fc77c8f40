using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Bert;

/// <summary>The stack of encoder blocks, stored as <c>encoder.layer.{i}</c>.</summary>
public sealed class BertEncoder : nn.Module
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly ModuleList<BertLayer> layer;
#pragma warning restore IDE1006

    public BertEncoder(BertConfig config, double dropoutRate, Device device) : base(nameof(BertEncoder))
    {
        layer = new ModuleList<BertLayer>(Enumerable.Range(0, config.Layers).Select(_ => new BertLayer(config, dropoutRate, device)).ToArray());
        RegisterComponents();
    }

    public BertLayer Layer(int index) => layer[index];
}
