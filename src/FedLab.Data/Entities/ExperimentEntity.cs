namespace FedLab.Data.Entities;

/// <summary>A named group of runs, e.g. the three frameworks on one base spec.</summary>
public sealed class ExperimentEntity
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>The study spec (Engine.Studies.StudySpecJson) when the experiment is a study; null for other experiments.</summary>
    public string? StudySpecJson { get; set; }
}
