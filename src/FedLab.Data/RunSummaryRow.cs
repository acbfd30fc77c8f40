using System.Text.Json.Serialization;
using FedLab.Engine.Runs;

namespace FedLab.Data;

/// <summary>A run as the run list shows it. Accuracies are null until a round is on disk.</summary>
public sealed record RunSummaryRow
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public Guid? ExperimentId { get; init; }
    public string? ExperimentName { get; init; }
    public required string Framework { get; init; }
    public required string Model { get; init; }
    public required string Dataset { get; init; }
    public required string PartitionKind { get; init; }
    public required int Clients { get; init; }
    /// <summary>Dirichlet alpha; null for other partitions.</summary>
    public double? Alpha { get; init; }
    public required int Seed { get; init; }
    public required string Device { get; init; }
    [JsonConverter(typeof(RunStatusJsonConverter))]
    public required RunStatus Status { get; init; }
    public string? Error { get; init; }
    /// <summary>Last training round on disk (0 when only the evaluation before training, or nothing, is).</summary>
    public required int RoundsDone { get; init; }
    public required int TotalRounds { get; init; }
    public double? BestAccuracy { get; init; }
    /// <summary>
    /// What <see cref="BestAccuracy"/> and <see cref="FinalAccuracy"/> measure: "accuracy" for classification, "exact
    /// match" for a generative run (greedy answers equal to the reference), so lists and tables label them honestly.
    /// </summary>
    public string AccuracyMetric { get; init; } = AccuracyMetrics.Accuracy;
    public int? BestRound { get; init; }
    public double? FinalAccuracy { get; init; }
    public required long BytesUp { get; init; }
    public required long BytesDown { get; init; }
    public required double ClientFlops { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>Wall-clock seconds of the recorded rounds (excludes start-up and time spent interrupted).</summary>
    public required double Seconds { get; init; }
    /// <summary>How many times the run was resumed.</summary>
    public int Resumes { get; init; }

    public double MbUp => BytesUp / 1_000_000.0;
    public double MbDown => BytesDown / 1_000_000.0;
    public double ClientTflops => ClientFlops / 1e12;
    public bool CanResume => RunResumePolicy.CanResume(Status);
}
