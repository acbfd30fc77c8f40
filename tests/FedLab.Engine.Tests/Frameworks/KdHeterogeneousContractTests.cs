using FedLab.Engine.Runs;

namespace FedLab.Engine.Tests.Frameworks;

/// <summary>Clients of three architectures: the run's model, a 4-layer model, and that model cut to 3 layers.</summary>
public sealed class KdHeterogeneousContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) =>
        ContractSpecs.Kd(clients, rounds, seed, new KdOptions
        {
            PublicSize = 24,
            DistillationSteps = 2,
            ClientModels = [new KdClientModel { Model = "tiny" }, new KdClientModel { Model = "tiny4" }, new KdClientModel { Model = "tiny4", Layers = 3 }],
        });

    protected override IReadOnlySet<PayloadKind> Kinds => ContractSpecs.Set(PayloadKind.Logits);

    protected override bool ReportsClientAccuracy => true;
}
