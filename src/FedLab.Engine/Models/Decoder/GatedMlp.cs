using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Decoder;

/// <summary>The SwiGLU feed-forward block: down_proj(silu(gate_proj(x)) * up_proj(x)).</summary>
public sealed class GatedMlp : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly AdaptableLinear gate_proj;
    private readonly AdaptableLinear up_proj;
    private readonly AdaptableLinear down_proj;
#pragma warning restore IDE1006

    public GatedMlp(DecoderConfig config, Device device) : base(nameof(GatedMlp))
    {
        gate_proj = new AdaptableLinear(config.HiddenSize, config.IntermediateSize, device, config.MlpBias);
        up_proj = new AdaptableLinear(config.HiddenSize, config.IntermediateSize, device, config.MlpBias);
        down_proj = new AdaptableLinear(config.IntermediateSize, config.HiddenSize, device, config.MlpBias);
        RegisterComponents();
    }

    internal IEnumerable<(string Target, AdaptableLinear Linear)> Linears()
    {
        yield return ("gate_proj", gate_proj);
        yield return ("up_proj", up_proj);
        yield return ("down_proj", down_proj);
    }

    public override Tensor forward(Tensor input)
    {
        using var gate = gate_proj.forward(input);
        using var activated = nn.functional.silu(gate);
        using var up = up_proj.forward(input);
        using var product = activated * up;
        return down_proj.forward(product);
    }
}
