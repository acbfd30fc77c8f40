using FedLab.Engine.Runs;

namespace FedLab.Web.Live;

/// <summary>
/// A status change the engine does not report itself: queued, cancelled before it started, interrupted by
/// shutdown, deleted. Travels on the same streams as the engine's events.
/// </summary>
public sealed record RunStatusChanged(Guid RunId, DateTimeOffset Timestamp, RunStatus Status, string? Error, bool Deleted = false)
    : RunEvent(RunId, Timestamp);
