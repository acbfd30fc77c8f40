namespace FedLab.Data.Entities;

/// <summary>
/// One run: the spec as JSON plus the columns the run list filters and sorts on, the facts fixed at start
/// (<see cref="FedLab.Engine.Runs.RunInfo"/>), and progress kept current by the recorder in the same
/// transaction as each round. <see cref="Key"/> is a compact integer that child rows reference;
/// <see cref="Id"/> is the public identity.
/// </summary>
public sealed class RunEntity
{
    public long Key { get; set; }
    public Guid Id { get; set; }
    public Guid? ExperimentId { get; set; }
    public ExperimentEntity? Experiment { get; set; }

    public required string Name { get; set; }
    public required string SpecJson { get; set; }
    public required string Framework { get; set; }
    public required string Model { get; set; }
    public required string Dataset { get; set; }
    public required string PartitionKind { get; set; }
    public int Clients { get; set; }
    public double? Alpha { get; set; }
    public int Seed { get; set; }
    /// <summary>The device asked for in the spec until the run starts, then the one it runs on.</summary>
    public required string Device { get; set; }

    public required string Status { get; set; }
    public string? Error { get; set; }
    public string? EngineVersion { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public int Resumes { get; set; }

    // Which process owns the run while it is queued or running, so start-up can tell a dead owner from a live one.
    public string? OwnerHost { get; set; }
    public int? OwnerPid { get; set; }
    public DateTime? OwnerStartedAt { get; set; }

    public int TotalRounds { get; set; }
    /// <summary>Last round on disk (0 = the evaluation before training); null before any.</summary>
    public int? LastRound { get; set; }
    public string? CheckpointPath { get; set; }
    public int? CheckpointRound { get; set; }
    public double? BestAccuracy { get; set; }
    public int? BestRound { get; set; }
    public double? FinalAccuracy { get; set; }
    public double? FinalMacroF1 { get; set; }
    public double? FinalLoss { get; set; }
    public long TotalBytesUp { get; set; }
    public long TotalBytesDown { get; set; }
    public double TotalClientFlops { get; set; }
    public double TotalClientSeconds { get; set; }
    /// <summary>Sum of the rounds' wall-clock seconds (excludes start-up and time spent interrupted).</summary>
    public double TotalSeconds { get; set; }

    public string? ModelDisplayName { get; set; }
    public long? TotalParameters { get; set; }
    public long? TrainableParameters { get; set; }
    public long? TrainableStateBytes { get; set; }
    public int? TrainExamples { get; set; }
    public int? TestExamples { get; set; }
    public int? PublicExamples { get; set; }
    /// <summary>JSON array of the class names, in label order.</summary>
    public string? ClassNamesJson { get; set; }
}
