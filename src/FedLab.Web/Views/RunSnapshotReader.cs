using FedLab.Data;
using FedLab.Data.Queries;

namespace FedLab.Web.Views;

/// <summary>
/// Shapes what FedLab.Data's <see cref="RunPageQueries"/> reads for a run's page into its view: the snapshot
/// (run, rounds, partition, client totals) and the heatmap grid of at most <see cref="HeatmapRows.MaxRows"/> rows.
/// </summary>
public sealed class RunSnapshotReader(RunPageQueries queries)
{
    public async Task<RunSnapshot?> ReadAsync(Guid runId, CancellationToken ct)
    {
        var data = await queries.ReadAsync(runId, HeatmapRows.MaxRows, ct);
        if (data is null)
        {
            return null;
        }
        int lastRound = data.Detail.Summary.RoundsDone;
        return new RunSnapshot(data.Detail, data.ClientTotals, HeatmapRows.FromCells(data.HeatmapClients, lastRound, data.HeatmapCells));
    }

    /// <summary>Just the rounds (the hub's JoinRun snapshot).</summary>
    public Task<IReadOnlyList<RoundRow>?> ReadRoundsAsync(Guid runId, CancellationToken ct) => queries.GetRoundsAsync(runId, ct);
}
