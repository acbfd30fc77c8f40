using FedLab.Engine.Runs;

namespace FedLab.Data;

/// <summary>
/// One page of the run list. Filters combine with AND; null means "any". <see cref="Text"/> matches
/// anywhere in the run's name (case-insensitive for ASCII). Framework, model and dataset use the spec's
/// JSON spelling ("fedllm", "tiny", "spam"); <see cref="RunStore.GetFilterOptionsAsync"/> lists those present.
/// </summary>
public sealed record RunListQuery
{
    public const int MaxPageSize = 500;

    /// <summary>1-based.</summary>
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 25;
    public string? Framework { get; init; }
    public string? Model { get; init; }
    public string? Dataset { get; init; }
    public RunStatus? Status { get; init; }
    public Guid? ExperimentId { get; init; }
    public string? Text { get; init; }
    public RunSortColumn SortBy { get; init; } = RunSortColumn.Created;
    public bool Descending { get; init; } = true;
}
