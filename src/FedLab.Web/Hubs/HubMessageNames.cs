namespace FedLab.Web.Hubs;

/// <summary>The method names the hub sends to clients; part of the documented contract (docs/dashboard.md).</summary>
public static class HubMessageNames
{
    public const string RoundFinished = "RoundFinished";
    public const string ClientRoundFinished = "ClientRoundFinished";
    public const string ClientRoundFailed = "ClientRoundFailed";
    public const string RunStatusChanged = "RunStatusChanged";

    /// <summary>The group that receives every run's status changes (join with JoinAll).</summary>
    public const string AllRunsGroup = "all-runs";

    public static string RunGroup(Guid runId) => "run-" + runId.ToString("D");
}
