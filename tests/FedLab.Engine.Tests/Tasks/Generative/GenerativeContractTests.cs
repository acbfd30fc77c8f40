using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Frameworks;
using FedLab.Tests.Shared;

namespace FedLab.Engine.Tests.Tasks.Generative;

// The framework contract suite (rounds complete, events in order, cancellation, no tensor leak, determinism, real
// payload bytes, resume) on generative tasks: FedLLM, KD and Split on the tiny Llama and GPT-2 (the two ends: RoPE,
// GQA and an untied head; learned positions, Conv1D and a tied head). Qwen2 and Qwen3 run each framework once in
// GenerativeFamilyTests (the whole suite on them too would double a suite that already takes minutes).

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
