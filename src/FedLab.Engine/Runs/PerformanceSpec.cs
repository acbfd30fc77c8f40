using System.Text.Json.Serialization;

namespace FedLab.Engine.Runs;

/// <summary>
/// How often and on what the global model is evaluated (issue 16). Absent: every round, on the whole test split,
/// reusing frozen work where the fine-tuning mode allows (bit-identical to evaluating from scratch).
/// </summary>
public sealed record EvaluationSpec
{
    /// <summary>Evaluate every n-th round (and always round 0 and the last round); 1 = every round.</summary>
    public int EveryRounds { get; init; } = 1;

    /// <summary>
    /// Evaluate the rounds before the last on a fixed, seeded, stratified subset of this many test examples (the same
    /// examples every round); the last round is evaluated on the whole test split. Null = the whole split every round.
    /// </summary>
    public int? Subset { get; init; }

    /// <summary>
    /// Head-only fine-tuning: keep the frozen backbone's outputs for the evaluation batches from the first evaluation
    /// and run only the head afterwards (the same numbers bit for bit; memory: tokens x hidden floats per example).
    /// </summary>
    public bool ReuseFrozenPrefix { get; init; } = true;
}

/// <summary>Clients of a round trained together in one batched forward and backward pass (issue 16).</summary>
public sealed record ClientBatchingSpec
{
    /// <summary>
    /// Train the clients of a round in groups (FedLLM and KD-FedLLM with LoRA or full fine-tuning; SplitFed's client half,
    /// whose server part then sees the group's batches in lockstep order); false = one after another.
    /// </summary>
    public bool Enabled { get; init; } = true;

    /// <summary>At most this many clients in one batched group (memory grows with it: activations and one state per client).</summary>
    public int MaxClientsPerGroup { get; init; } = 8;
}

/// <summary>The numeric precision of the frozen base's matrix multiplications.</summary>
public enum PrecisionKind
{
    /// <summary>Everything in float32 (the default).</summary>
    [JsonStringEnumMemberName("fp32")]
    Fp32,

    /// <summary>Frozen base weights stored and multiplied in bfloat16; adapters, head, optimizer and aggregation in float32.</summary>
    [JsonStringEnumMemberName("bf16")]
    Bf16,

    /// <summary>As bf16 with float16; CUDA only.</summary>
    [JsonStringEnumMemberName("fp16")]
    Fp16,
}
