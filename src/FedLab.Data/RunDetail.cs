using FedLab.Engine.Runs;

namespace FedLab.Data;

/// <summary>
/// Everything stored about one run: its list row, the spec (parsed, and the JSON as stored), the facts
/// fixed at start, every round, every client round (ordered by round, then client), the partition and
/// the class names. <see cref="Spec"/> is null only if the stored JSON no longer parses (an older
/// engine's spec); <see cref="SpecJson"/> is always there.
/// </summary>
public sealed record RunDetail
{
    public required RunSummaryRow Summary { get; init; }
    public RunSpec? Spec { get; init; }
    public required string SpecJson { get; init; }
    public RunFacts? Facts { get; init; }
    public required IReadOnlyList<string> ClassNames { get; init; }
    public required IReadOnlyList<RoundRow> Rounds { get; init; }
    public required IReadOnlyList<ClientRoundRow> ClientRounds { get; init; }
    public required IReadOnlyList<ClientPartitionRow> Partitions { get; init; }
    public string? CheckpointPath { get; init; }
    /// <summary>The round the checkpoint holds: a resume continues with the next one.</summary>
    public int? CheckpointRound { get; init; }
}
