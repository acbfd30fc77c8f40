using FedLab.Engine.Runs;

namespace FedLab.Engine.Tests.Frameworks;

public sealed class SplitSequentialContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) =>
        ContractSpecs.Split(clients, rounds, seed, new SplitOptions { CutLayer = 1, Variant = SplitVariant.Sequential });

    protected override IReadOnlySet<PayloadKind> Kinds =>
        ContractSpecs.Set(PayloadKind.Activations, PayloadKind.Labels, PayloadKind.ActivationGradients, PayloadKind.Parameters);
}
