using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Models;

/// <summary>
/// A linear layer (parameters named <c>weight</c> and <c>bias</c>, as in the checkpoint) that can carry a LoRA
/// adapter. Adapter parameters follow PEFT's names: <c>lora_A.weight</c> [r, in] and <c>lora_B.weight</c> [out, r].
/// </summary>
public sealed class AdaptableLinear : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private Linear? lora_A;
    private Linear? lora_B;
    private Dropout? lora_dropout;
#pragma warning restore IDE1006
    private double _scaling;
    private ScalarType? _computeType;

    public AdaptableLinear(long inFeatures, long outFeatures, Device device) : this(inFeatures, outFeatures, device, hasBias: true)
    {
    }

    /// <param name="hasBias">False for the bias-free projections of decoder families (Llama's q, k, v, o, gate, up, down).</param>
    public AdaptableLinear(long inFeatures, long outFeatures, Device device, bool hasBias) : base(nameof(AdaptableLinear))
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        weight = new Parameter(empty(outFeatures, inFeatures, device: device));
        bias = hasBias ? new Parameter(zeros(outFeatures, device: device)) : null;
        RegisterComponents();
        // Same default initialisation as torch.nn.Linear, so random-init test models are well scaled.
        nn.init.kaiming_uniform_(weight, Math.Sqrt(5));
        if (bias is not null)
        {
            using (no_grad())
            {
                double bound = 1.0 / Math.Sqrt(inFeatures);
                bias.uniform_(-bound, bound);
            }
        }
    }

    public long InFeatures { get; }
    public long OutFeatures { get; }
    public bool HasAdapter => lora_A is not null;
    public Parameter Weight => weight;
    public Parameter? Bias => bias;

    public void AddAdapter(LoraOptions options, Device device)
    {
        if (HasAdapter)
        {
            throw new InvalidOperationException("adapter already added");
        }
        lora_A = nn.Linear(InFeatures, options.Rank, hasBias: false, device: device);
        lora_B = nn.Linear(options.Rank, OutFeatures, hasBias: false, device: device);
        lora_dropout = nn.Dropout(options.Dropout);
        nn.init.kaiming_uniform_(lora_A.weight!, Math.Sqrt(5));
        nn.init.zeros_(lora_B.weight!);
        _scaling = options.Scaling;
        register_module("lora_A", lora_A);
        register_module("lora_B", lora_B);
        register_module("lora_dropout", lora_dropout);
    }

    /// <summary>The precision of this layer's matmul (null: its weight's own, float32); see <see cref="UseComputeType"/>.</summary>
    public ScalarType? ComputeType => _computeType;

    /// <summary>
    /// Autocast-style lower precision (issue 16): the input and weight enter the matmul in <paramref name="dtype"/> and
    /// the output returns in the input's type; the adapter stays in float32. A frozen weight is stored in
    /// <paramref name="dtype"/> (call before adding the adapter, as <see cref="Performance.PrecisionPolicy"/> does); a
    /// trainable one stays float32 and is cast on each forward.
    /// </summary>
    public void UseComputeType(ScalarType dtype, bool storeWeight)
    {
        if (HasAdapter)
        {
            throw new InvalidOperationException("set the precision before adding the adapter");
        }
        _computeType = dtype;
        if (storeWeight)
        {
            this.to(dtype);
        }
    }

    /// <summary>
    /// While set, replaces this layer's own adapter: the output is the base projection plus this function of the input
    /// (the batched multi-client trainer applies each client's adapter to its own rows through it).
    /// </summary>
    public Func<Tensor, Tensor>? AdapterOverride { get; set; }

    public override Tensor forward(Tensor input)
    {
        // Batched full fine-tuning (issue 16): each client's weight and bias on its own rows, in place of this layer's own.
        var output = PerClientParameters.For(this) is { } perClient ? perClient.Linear(input, _computeType)
            : _computeType is ScalarType low ? LowPrecisionLinear(input, low) : nn.functional.linear(input, weight, bias);
        if (AdapterOverride is { } delta)
        {
            using var d = delta(input);
            return output.add_(d);
        }
        if (lora_A is null)
        {
            return output;
        }
        using var down = lora_A.forward(lora_dropout!.forward(input));
        using var up = lora_B!.forward(down);
        return output.add_(up, _scaling);
    }

    /// <summary>
    /// The matmul in <paramref name="low"/> precision, the bias added after the cast back: libtorch's CPU addmm with a
    /// bf16 bias is several times slower than the plain bf16 matmul (measured, issue 16).
    /// </summary>
    private Tensor LowPrecisionLinear(Tensor input, ScalarType low)
    {
        using var x = input.to_type(low);
        using var w = weight.dtype == low ? null : weight.to_type(low);
        using var y = nn.functional.linear(x, w ?? weight);
        var output = y.to_type(input.dtype);
        if (bias is not null)
        {
            using var b = bias.dtype == input.dtype ? null : bias.to_type(input.dtype);
            output.add_(b ?? bias);
        }
        return output;
    }
}
