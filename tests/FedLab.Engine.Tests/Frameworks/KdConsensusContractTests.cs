using FedLab.Engine.Runs;

namespace FedLab.Engine.Tests.Frameworks;

public sealed class KdConsensusContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) =>
        ContractSpecs.Kd(clients, rounds, seed, new KdOptions { Variant = KdVariant.Consensus, PublicSize = 24, DistillationSteps = 2 });

    protected override IReadOnlySet<PayloadKind> Kinds => ContractSpecs.Set(PayloadKind.Logits);

    protected override bool ReportsClientAccuracy => true;
}
