using FedLab.Engine.Runs;
using FedLab.Tests.Shared;

namespace FedLab.Engine.Tests.Frameworks.Decoders;

public sealed class Qwen3FedLlmContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) => DecoderContractSpecs.FedLlm(TinyDecoders.Qwen3, clients, rounds, seed);

    protected override IReadOnlySet<PayloadKind> Kinds => ContractSpecs.Set(PayloadKind.Parameters);
}

public sealed class Qwen3KdContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) => DecoderContractSpecs.Kd(TinyDecoders.Qwen3, clients, rounds, seed);

    protected override IReadOnlySet<PayloadKind> Kinds => ContractSpecs.Set(PayloadKind.Logits);

    protected override bool ReportsClientAccuracy => true;
}

public sealed class Qwen3SplitContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) => DecoderContractSpecs.Split(TinyDecoders.Qwen3, clients, rounds, seed);

    protected override IReadOnlySet<PayloadKind> Kinds =>
        ContractSpecs.Set(PayloadKind.Activations, PayloadKind.Labels, PayloadKind.ActivationGradients, PayloadKind.Parameters);
}
