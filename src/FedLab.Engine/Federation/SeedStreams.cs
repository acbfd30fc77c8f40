namespace FedLab.Engine.Federation;

/// <summary>
/// The named random streams of a run, each derived from the run seed with <see cref="SeedMix.Derive"/>. Per-round and
/// per-client streams derive from (seed, round, client) directly; these are the run-level ones.
/// </summary>
public static class SeedStreams
{
    /// <summary>Which training examples a train limit keeps.</summary>
    public const long TrainSubset = 11;

    /// <summary>Which test examples a test limit keeps.</summary>
    public const long TestSubset = 12;

    /// <summary>The initialisation of LoRA adapters and heads (KD client architectures add their index).</summary>
    public const long ModelInit = 13;

    /// <summary>Which training examples the validation split holds out.</summary>
    public const long ValidationSplit = 14;
}
