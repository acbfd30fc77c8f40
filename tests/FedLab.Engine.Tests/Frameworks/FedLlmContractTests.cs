using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;

namespace FedLab.Engine.Tests.Frameworks;

public sealed class FedLlmContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) =>
        TinySpecs.FedLlm(clients, rounds, seed: seed) with
        {
            FedLlm = new FedLlmOptions { ProxMu = 0.01, ServerOptimizer = ServerOptimizerKind.Adam, ServerLearningRate = 0.05 },
        };

    protected override IReadOnlySet<PayloadKind> Kinds => ContractSpecs.Set(PayloadKind.Parameters);
}
