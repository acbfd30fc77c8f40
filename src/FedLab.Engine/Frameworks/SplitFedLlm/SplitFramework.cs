using FedLab.Engine.Runs;

namespace FedLab.Engine.Frameworks.SplitFedLlm;

/// <summary>Split-FedLLM: the model is cut at a layer; activations go up and their gradients come down every batch.</summary>
public sealed class SplitFramework : FrameworkDescriptor, IBuiltInOptions
{
    public const string Id = "split";

    public override string Name => Id;

    public override string DisplayName => "Split-FedLLM";

    public override string? OptionsSection => "split";

    public override Type? OptionsType => typeof(SplitOptions);

    public object Options(RunSpec spec) => spec.Split;

    public override string AccuracySource(RunSpec spec) => "the joined model (client part + server part)";

    public override string Variant(RunSpec spec) =>
        $"{(spec.Split.Variant == SplitVariant.SplitFed ? "splitfed" : "sequential")}, cut {spec.Split.CutLayer}"
        + (spec.Split.ActivationPrecision == WirePrecision.Fp16 ? ", fp16" : "");

    public override IEnumerable<SpecError> Validate(RunSpec spec, FrameworkValidation context) => SplitOptionsRules.Validate(spec);

    public override IFederatedAlgorithm Create(FrameworkContext context) => new SplitFedLlmAlgorithm(context);
}
