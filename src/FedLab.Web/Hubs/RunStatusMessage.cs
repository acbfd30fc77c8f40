namespace FedLab.Web.Hubs;

/// <summary>
/// "RunStatusChanged": status is one of queued, running, finished, failed, cancelled, interrupted, deleted.
/// <see cref="FirstRound"/> is set when a run starts (0, or the round a resume continues with).
/// </summary>
public sealed record RunStatusMessage(Guid RunId, string Status, DateTimeOffset Timestamp, string? Error, int? FirstRound, int? TotalRounds);
