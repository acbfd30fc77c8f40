using FedLab.Engine.Runs;

namespace FedLab.Engine.Tests.Frameworks;

/// <summary>SplitFed with fp16 activations and gradients.</summary>
public sealed class SplitFedContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) =>
        ContractSpecs.Split(clients, rounds, seed, new SplitOptions { CutLayer = 1, Variant = SplitVariant.SplitFed, ActivationPrecision = WirePrecision.Fp16 });

    protected override IReadOnlySet<PayloadKind> Kinds =>
        ContractSpecs.Set(PayloadKind.Activations, PayloadKind.Labels, PayloadKind.ActivationGradients, PayloadKind.Parameters);
}
