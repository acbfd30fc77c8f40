using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;

namespace FedLab.Engine.Tests.Frameworks;

public sealed class CentralizedContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) =>
        TinySpecs.FedLlm(clients, rounds, seed: seed) with { Framework = CentralizedFramework.Id };

    protected override IReadOnlySet<PayloadKind> Kinds => ContractSpecs.Set();

    protected override int ClientsPerRound(RunSpec spec) => 1;

    protected override bool HasClients => false;
}
