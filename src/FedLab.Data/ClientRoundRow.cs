namespace FedLab.Data;

/// <summary>
/// One client's work in one round, as stored. A client that produced no result has <see cref="Status"/> set to its
/// failure kind ("error", "deadline", "dropout", ...) and <see cref="Reason"/>; its loss is NaN and its bytes are
/// those exchanged before it failed.
/// </summary>
public sealed record ClientRoundRow
{
    public required int Round { get; init; }
    public required int ClientId { get; init; }
    public required int Examples { get; init; }
    public required int Steps { get; init; }
    public required double TrainLoss { get; init; }
    public required long BytesUp { get; init; }
    public required long BytesDown { get; init; }
    public required PayloadBytes Up { get; init; }
    public required PayloadBytes Down { get; init; }
    public required double Flops { get; init; }
    public required double Seconds { get; init; }
    /// <summary>The client's own model's test accuracy, where the framework keeps one (KD).</summary>
    public double? Accuracy { get; init; }
    /// <summary><see cref="ClientRoundStatus.Ok"/> or the failure kind.</summary>
    public string Status { get; init; } = ClientRoundStatus.Ok;
    public string? Reason { get; init; }
    /// <summary>The named metrics beyond the fixed columns (FedLab.Engine.Runs.MetricNames), by name in ordinal order; NaN where NaN was reported.</summary>
    public IReadOnlyDictionary<string, double> Extra { get; init; } = Queries.RowMapping.NoMetrics;
    public bool Failed => ClientRoundStatus.IsFailure(Status);
}
