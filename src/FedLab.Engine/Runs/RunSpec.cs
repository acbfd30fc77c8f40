using System.Text.Json;
using System.Text.Json.Serialization;
using FedLab.Engine.Frameworks.FedLlm;
using FedLab.Engine.Frameworks.KdFedLlm;
using FedLab.Engine.Frameworks.SplitFedLlm;

namespace FedLab.Engine.Runs;

/// <summary>
/// Everything a run needs, in one validated record that the UI, the REST API and the CLI all share.
/// Serialises to the JSON the examples/ folder holds; <see cref="RunSpecJson"/> parses it strictly and
/// <see cref="RunSpecValidator"/> checks every field at once.
/// </summary>
// Unknown top-level fields are collected in Sections (not refused by the serializer) so that a registered framework's
// options section parses; RunSpecJson.Parse then refuses any section no framework owns, as "unknown field".
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
public sealed record RunSpec
{
    /// <summary>A label for people; not an identifier.</summary>
    public string Name { get; init; } = "run";

    /// <summary>A model id from the catalog: minilm-l6 (default), arctic-xs, tiny.</summary>
    public required string Model { get; init; }

    public required DatasetSpec Dataset { get; init; }

    /// <summary>Classification (absent: the default) or generative instruction tuning (<see cref="Tasks.TaskSpec"/>).</summary>
    public Tasks.TaskSpec? Task { get; init; }

    public required PartitionSpec Partition { get; init; }

    /// <summary>The JSON name of a registered framework (<see cref="Frameworks.FrameworkRegistry"/>): fedllm, kd, split, centralized.</summary>
    public required string Framework { get; init; }

    /// <summary>FedLLM options (server aggregation, FedProx); used when <see cref="Framework"/> is fedllm.</summary>
    public FedLlmOptions FedLlm { get; init; } = new();

    /// <summary>KD-FedLLM options (variant, public set, distillation, compression); used when <see cref="Framework"/> is kd.</summary>
    public KdOptions Kd { get; init; } = new();

    /// <summary>Split-FedLLM options (cut layer, variant, activation precision); used when <see cref="Framework"/> is split.</summary>
    public SplitOptions Split { get; init; } = new();

    public FineTuneSpec FineTune { get; init; } = new();

    public required TrainingSpec Training { get; init; }

    public required int Seed { get; init; }

    /// <summary>auto (CUDA when TorchSharp reports it, else CPU), cpu or cuda.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Precision of the frozen base's matrix multiplications: fp32 (default), bf16 (CPU with AVX-512 BF16 or AMX, or CUDA), fp16 (CUDA).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] // fp32 specs serialise as before this setting existed
    public PrecisionKind Precision { get; init; } = PrecisionKind.Fp32;

    /// <summary>How often and on what the global model is evaluated; null = every round, on the whole test split.</summary>
    public EvaluationSpec? Evaluation { get; init; }

    /// <summary>Training a round's clients together in batched passes; null = the engine's default (<see cref="Federation.EngineOptions.ClientBatching"/>).</summary>
    public ClientBatchingSpec? ClientBatching { get; init; }

    /// <summary>Start from a stored run's round instead of the pre-trained model (<see cref="ForkSpec"/>); absent: from scratch.</summary>
    public ForkSpec? Fork { get; init; }

    /// <summary>Extra round checkpoints to keep for forking (<see cref="CheckpointSpec"/>); absent: the last and the best.</summary>
    public CheckpointSpec? Checkpoints { get; init; }

    /// <summary>Dropouts, device speeds, a simulated clock, a deadline, min completion, over-selection; null = perfect clients.</summary>
    public Federation.Availability.AvailabilitySpec? Availability { get; init; }

    /// <summary>DP-FedAvg (clipping, central or local noise, the RDP accountant, a budget); null = off.</summary>
    public Federation.Privacy.PrivacySpec? Privacy { get; init; }

    /// <summary>Secure aggregation (pairwise masks, Shamir-shared seeds, quantised updates); null = off.</summary>
    public Federation.SecureAggregation.SecureAggregationSpec? SecureAggregation { get; init; }

    /// <summary>A Byzantine-robust rule in place of the weighted mean; null = off.</summary>
    public Federation.Robust.RobustSpec? Robust { get; init; }

    /// <summary>Malicious clients for experiments; null = none.</summary>
    public Federation.Robust.AttackSpec? Attack { get; init; }

    /// <summary>
    /// Options sections of registered frameworks that are not built in, by section name, as JSON (read them with
    /// <see cref="Frameworks.FrameworkOptions"/>). Written back at the top level, where they were read.
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Sections { get; init; }
}

public sealed record DatasetSpec
{
    /// <summary>A bundled dataset (spam, fortunes) or a path to a CSV/JSONL file with text and label.</summary>
    public required string Name { get; init; }

    /// <summary>Tokens per example including [CLS] and [SEP].</summary>
    public int MaxTokens { get; init; } = 64;

    /// <summary>Use at most this many training examples (a seeded, stratified subset); null = all.</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Evaluate on at most this many test examples (seeded, stratified); null = all.</summary>
    public int? TestLimit { get; init; }

    /// <summary>
    /// The share of the run's training examples (after the train limit) held out, seeded and stratified, as the
    /// validation split that chooses the best round and drives early stopping; 0 = no validation split. See
    /// <see cref="Datasets.ValidationSplit"/>.
    /// </summary>
    public double ValidationFraction { get; init; } = Datasets.ValidationSplit.DefaultFraction;

    /// <summary>Hold out exactly this many examples as the validation split instead of <see cref="ValidationFraction"/>.</summary>
    public int? ValidationSize { get; init; }
}

public sealed record PartitionSpec
{
    public required PartitionMethod Kind { get; init; }

    public required int Clients { get; init; }

    /// <summary>Dirichlet concentration: smaller is more label skew.</summary>
    public double Alpha { get; init; } = 0.5;

    /// <summary>Shards per client (each client then holds about this many labels).</summary>
    public int ShardsPerClient { get; init; } = 2;
}

public enum PartitionMethod
{
    [JsonStringEnumMemberName("iid")]
    Iid,
    [JsonStringEnumMemberName("dirichlet")]
    Dirichlet,
    [JsonStringEnumMemberName("shards")]
    Shards,
}

public sealed record FineTuneSpec
{
    public FineTuneKind Mode { get; init; } = FineTuneKind.Lora;

    public LoraSpec Lora { get; init; } = new();
}

public enum FineTuneKind
{
    [JsonStringEnumMemberName("lora")]
    Lora,
    [JsonStringEnumMemberName("full")]
    Full,
    [JsonStringEnumMemberName("head-only")]
    HeadOnly,
}

public sealed record LoraSpec
{
    public int Rank { get; init; } = 8;

    public double Alpha { get; init; } = 16;

    public double Dropout { get; init; } = 0.05;

    /// <summary>Any of query, key, value, output (attention output), ffn (both feed-forward linears).</summary>
    public IReadOnlyList<string> Targets { get; init; } = ["query", "value"];
}

public sealed record TrainingSpec
{
    public required int Rounds { get; init; }

    /// <summary>Fraction of clients sampled each round (at least one client is always sampled).</summary>
    public double ClientFraction { get; init; } = 1.0;

    /// <summary>Optimizer steps per client per round. Exactly one of LocalSteps and LocalEpochs is set.</summary>
    public int? LocalSteps { get; init; }

    /// <summary>Passes over the client's data per round.</summary>
    public double? LocalEpochs { get; init; }

    public int BatchSize { get; init; } = 16;

    /// <summary>AdamW learning rate on the client.</summary>
    public double LearningRate { get; init; } = 1e-3;

    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Dropout inside the encoder while training (BERT uses 0.1).</summary>
    public double Dropout { get; init; } = 0.1;

    public int EvalBatchSize { get; init; } = 64;

    /// <summary>Stop after this many rounds without a better validation accuracy; null = run every round.</summary>
    public int? EarlyStoppingPatience { get; init; }
}
