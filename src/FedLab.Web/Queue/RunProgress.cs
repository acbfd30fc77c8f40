namespace FedLab.Web.Queue;

/// <summary>A run this process is training right now: the round it is in and how many clients of it are done.</summary>
public sealed record RunProgress(Guid RunId, int CompletedRounds, int TotalRounds, int ClientsDoneInRound, DateTimeOffset StartedAt);
