using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Frameworks;
using FedLab.Tests.Shared;

namespace FedLab.Engine.Tests.Tasks.Generative;

// The framework contract suite (rounds complete, events in order, cancellation, no tensor leak, determinism, real
// payload bytes, resume) on generative tasks: FedLLM, KD and Split on a tiny model of each decoder family: Llama (RoPE,
// GQA, an untied head), Qwen2 (bias on q/k/v), Qwen3 (RMSNorm on q and k) and GPT-2 (learned positions, Conv1D, a tied
// head). GenerativeFamilyTests adds the generative metrics' identities on Qwen2 and Qwen3.

public sealed class LlamaGenerativeFedLlmContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) => GenerativeSpecs.FedLlm(TinyDecoders.Llama, clients, rounds, seed);

    protected override IReadOnlySet<PayloadKind> Kinds => ContractSpecs.Set(PayloadKind.Parameters);
}

public sealed class LlamaGenerativeKdContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) => GenerativeSpecs.Kd(TinyDecoders.Llama, clients, rounds, seed);

    protected override IReadOnlySet<PayloadKind> Kinds => ContractSpecs.Set(PayloadKind.Logits);

    protected override bool ReportsClientAccuracy => true;
}

public sealed class LlamaGenerativeSplitContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) => GenerativeSpecs.Split(TinyDecoders.Llama, clients, rounds, seed);

    protected override IReadOnlySet<PayloadKind> Kinds =>
        ContractSpecs.Set(PayloadKind.Activations, PayloadKind.Labels, PayloadKind.ActivationGradients, PayloadKind.Parameters);
}

public sealed class Gpt2GenerativeFedLlmContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) => GenerativeSpecs.FedLlm(TinyDecoders.Gpt2, clients, rounds, seed);

    protected override IReadOnlySet<PayloadKind> Kinds => ContractSpecs.Set(PayloadKind.Parameters);
}

public sealed class Gpt2GenerativeKdContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) => GenerativeSpecs.Kd(TinyDecoders.Gpt2, clients, rounds, seed);

    protected override IReadOnlySet<PayloadKind> Kinds => ContractSpecs.Set(PayloadKind.Logits);

    protected override bool ReportsClientAccuracy => true;
}

public sealed class Gpt2GenerativeSplitContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) => GenerativeSpecs.Split(TinyDecoders.Gpt2, clients, rounds, seed);

    protected override IReadOnlySet<PayloadKind> Kinds =>
        ContractSpecs.Set(PayloadKind.Activations, PayloadKind.Labels, PayloadKind.ActivationGradients, PayloadKind.Parameters);
}

public sealed class Qwen2GenerativeFedLlmContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) => GenerativeSpecs.FedLlm(TinyDecoders.Qwen2, clients, rounds, seed);

    protected override IReadOnlySet<PayloadKind> Kinds => ContractSpecs.Set(PayloadKind.Parameters);
}

public sealed class Qwen2GenerativeKdContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) => GenerativeSpecs.Kd(TinyDecoders.Qwen2, clients, rounds, seed);

    protected override IReadOnlySet<PayloadKind> Kinds => ContractSpecs.Set(PayloadKind.Logits);

    protected override bool ReportsClientAccuracy => true;
}

public sealed class Qwen2GenerativeSplitContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) => GenerativeSpecs.Split(TinyDecoders.Qwen2, clients, rounds, seed);

    protected override IReadOnlySet<PayloadKind> Kinds =>
        ContractSpecs.Set(PayloadKind.Activations, PayloadKind.Labels, PayloadKind.ActivationGradients, PayloadKind.Parameters);
}

public sealed class Qwen3GenerativeFedLlmContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) => GenerativeSpecs.FedLlm(TinyDecoders.Qwen3, clients, rounds, seed);

    protected override IReadOnlySet<PayloadKind> Kinds => ContractSpecs.Set(PayloadKind.Parameters);
}

public sealed class Qwen3GenerativeKdContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) => GenerativeSpecs.Kd(TinyDecoders.Qwen3, clients, rounds, seed);

    protected override IReadOnlySet<PayloadKind> Kinds => ContractSpecs.Set(PayloadKind.Logits);

    protected override bool ReportsClientAccuracy => true;
}

public sealed class Qwen3GenerativeSplitContractTests : FrameworkContractTests
{
    protected override RunSpec Spec(int clients = 3, int rounds = 3, int seed = 5) => GenerativeSpecs.Split(TinyDecoders.Qwen3, clients, rounds, seed);

    protected override IReadOnlySet<PayloadKind> Kinds =>
        ContractSpecs.Set(PayloadKind.Activations, PayloadKind.Labels, PayloadKind.ActivationGradients, PayloadKind.Parameters);
}
