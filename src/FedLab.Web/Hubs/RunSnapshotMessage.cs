namespace FedLab.Web.Hubs;

/// <summary>What <c>JoinRun</c> returns: the run's status and every round recorded so far.</summary>
public sealed record RunSnapshotMessage(Guid RunId, string Name, string Status, int TotalRounds, IReadOnlyList<RoundMessage> Rounds);
