using FedLab.Data;
using Microsoft.AspNetCore.SignalR;

namespace FedLab.Web.Hubs;

/// <summary>
/// Live round metrics for outside subscribers (scripts, notebooks, other tools), at /hubs/runs.
/// Call <c>JoinRun(runId)</c>: the connection joins the run's group FIRST and then receives the snapshot of
/// what is stored, so no round falls between the two (a round may arrive both in the snapshot and as a
/// message; de-duplicate by round number). Messages: see <see cref="HubMessageNames"/> and docs/dashboard.md.
/// </summary>
public sealed class RunHub(RunStore store, Views.RunSnapshotReader snapshots) : Hub
{
    public const string Path = "/hubs/runs";

    public async Task<RunSnapshotMessage> JoinRun(Guid runId)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, HubMessageNames.RunGroup(runId), Context.ConnectionAborted);
        var summary = await store.GetRunSummaryAsync(runId, Context.ConnectionAborted);
        var rounds = summary is null ? null : await snapshots.ReadRoundsAsync(runId, Context.ConnectionAborted);
        if (summary is null || rounds is null)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, HubMessageNames.RunGroup(runId), Context.ConnectionAborted);
            throw new HubException($"there is no run {runId}");
        }
        var total = summary.TotalRounds;
        return new RunSnapshotMessage(runId, summary.Name, HubMessageMapper.StatusName(summary.Status), total,
            [.. rounds.Select(r => HubMessageMapper.Round(runId, total, r))]);
    }

    public Task LeaveRun(Guid runId) =>
        Groups.RemoveFromGroupAsync(Context.ConnectionId, HubMessageNames.RunGroup(runId), Context.ConnectionAborted);

    /// <summary>Receive RunStatusChanged for every run (queued, started, finished, ...).</summary>
    public Task JoinAll() => Groups.AddToGroupAsync(Context.ConnectionId, HubMessageNames.AllRunsGroup, Context.ConnectionAborted);

    public Task LeaveAll() => Groups.RemoveFromGroupAsync(Context.ConnectionId, HubMessageNames.AllRunsGroup, Context.ConnectionAborted);
}
