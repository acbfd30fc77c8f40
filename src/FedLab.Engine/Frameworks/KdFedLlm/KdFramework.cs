using System.Globalization;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Frameworks.KdFedLlm;

/// <summary>KD-FedLLM: clients share logits on a public set; the server aggregates (and optionally distils) them.</summary>
public sealed class KdFramework : FrameworkDescriptor, IBuiltInOptions
{
    public const string Id = "kd";

    public override string Name => Id;

    public override string DisplayName => "KD-FedLLM";

    public override string? OptionsSection => "kd";

    public override Type? OptionsType => typeof(KdOptions);

    public override bool ClientsKeepOwnModels => true;

    public object Options(RunSpec spec) => spec.Kd;

    public override string AccuracySource(RunSpec spec) =>
        spec.Kd.Variant == KdVariant.Consensus ? "mean of the clients' own models" : "server's distilled global model";

    public override string Variant(RunSpec spec)
    {
        var kd = spec.Kd;
        return $"{(kd.Variant == KdVariant.Consensus ? "consensus" : "server-distill")}, public {kd.PublicSize?.ToString(CultureInfo.InvariantCulture) ?? "all"}"
            + (kd.TopK is int k ? $", top-{k}" : "") + (kd.LogitPrecision == WirePrecision.Fp16 ? ", fp16" : "");
    }

    public override IEnumerable<SpecError> Validate(RunSpec spec, FrameworkValidation context) => KdOptionsRules.Validate(spec, context.Dataset);

    public override IFederatedAlgorithm Create(FrameworkContext context) =>
        new KdFedLlmAlgorithm(context.Environment, context.Engine.Models, context.ClientRunner, context.OpenRemote(), context.Extras, context.Engine);
}
