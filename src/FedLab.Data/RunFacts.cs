namespace FedLab.Data;

/// <summary>What the engine reported when the run started (null on <see cref="RunDetail"/> before that).</summary>
public sealed record RunFacts
{
    public required string Device { get; init; }
    public required string ModelDisplayName { get; init; }
    public required long TotalParameters { get; init; }
    public required long TrainableParameters { get; init; }
    public required long TrainableStateBytes { get; init; }
    public required int TrainExamples { get; init; }
    public required int TestExamples { get; init; }
    public required int PublicExamples { get; init; }
    public required string EngineVersion { get; init; }
}
