using FedLab.Data;
using FedLab.Data.Entities;
using FedLab.Data.Queries;
using FedLab.Engine.Runs;
using Microsoft.EntityFrameworkCore;

namespace FedLab.Web.Views;

/// <summary>
/// Reads a run for its page in a few small queries: the rounds (one row each), the partition, and the
/// client rows aggregated IN SQLite (per-client totals; the heatmap's bucket averages), so a run of 1,000
/// rounds x 100 clients sends the page 200 x 100 numbers, not 100,000 rows through EF. Rows are mapped by
/// FedLab.Data's <see cref="RowMapping"/> (NULL metric = NaN).
/// </summary>
public sealed class RunSnapshotReader(IDbContextFactory<FedLabDbContext> contexts, RunStore store)
{
    public async Task<RunSnapshot?> ReadAsync(Guid runId, CancellationToken ct)
    {
        RunEntity? run;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            run = await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, ct);
        }
        if (run is null)
        {
            return null;
        }
        // Independent reads on their own connections (SQLite in WAL mode serves readers in parallel).
        var spec = TryParse(run.SpecJson);
        int clients = Math.Max(spec?.Partition.Clients ?? 0, run.Clients);
        int lastRound = run.LastRound ?? 0;
        var summaryTask = store.GetRunSummaryAsync(runId, ct);
        var roundsTask = WithContextAsync(db => ReadRoundsAsync(db, run.Key, ct), ct);
        var partitionsTask = WithContextAsync(db => db.Partitions.AsNoTracking().Where(p => p.RunKey == run.Key).OrderBy(p => p.ClientId).ToListAsync(ct), ct);
        var totalsTask = WithContextAsync(db => ClientTotalsAsync(db, run.Key, ct), ct);
        var heatmapTask = WithContextAsync(db => HeatmapAsync(db, run.Key, clients, lastRound, ct), ct);
        await Task.WhenAll(summaryTask, roundsTask, partitionsTask, totalsTask, heatmapTask);
        if (await summaryTask is not { } summary)
        {
            return null; // deleted meanwhile
        }
        var partitions = await partitionsTask;
        var detail = new RunDetail
        {
            Summary = summary,
            Spec = spec,
            SpecJson = run.SpecJson,
            Facts = RowMapping.Facts(run),
            ClassNames = RowMapping.ClassNames(run.ClassNamesJson),
            Rounds = await roundsTask,
            ClientRounds = [],
            Partitions = [.. partitions.Select(RowMapping.Partition)],
            CheckpointPath = run.CheckpointPath,
            CheckpointRound = run.CheckpointRound,
        };
        return new RunSnapshot(detail, await totalsTask, await heatmapTask);
    }

    private async Task<T> WithContextAsync<T>(Func<FedLabDbContext, Task<T>> read, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await read(db);
    }

    /// <summary>Just the rounds (the hub's JoinRun snapshot).</summary>
    public async Task<IReadOnlyList<RoundRow>?> ReadRoundsAsync(Guid runId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var key = await db.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => (long?)r.Key).SingleOrDefaultAsync(ct);
        return key is long k ? await ReadRoundsAsync(db, k, ct) : null;
    }

    private static async Task<List<RoundRow>> ReadRoundsAsync(FedLabDbContext db, long key, CancellationToken ct)
    {
        var rows = await db.Rounds.AsNoTracking().Where(r => r.RunKey == key).OrderBy(r => r.Round).ToListAsync(ct);
        return [.. rows.Select(RowMapping.Round)];
    }

    private static async Task<IReadOnlyList<ClientTotal>> ClientTotalsAsync(FedLabDbContext db, long key, CancellationToken ct)
    {
        var mine = db.ClientRounds.AsNoTracking().Where(c => c.RunKey == key);
        var totals = await mine.GroupBy(c => c.ClientId).Select(g => new
        {
            ClientId = g.Key,
            Rounds = g.Count(),
            LastRound = g.Max(c => c.Round),
            Up = g.Sum(c => c.BytesUp),
            Down = g.Sum(c => c.BytesDown),
            Flops = g.Sum(c => c.Flops),
            Seconds = g.Sum(c => c.Seconds),
        }).ToListAsync(ct);
        var lastRounds = mine.GroupBy(c => c.ClientId).Select(g => new { ClientId = g.Key, Round = g.Max(c => c.Round) });
        var last = await (from c in mine
                          join l in lastRounds on new { c.ClientId, c.Round } equals new { l.ClientId, l.Round }
                          select new { c.ClientId, c.TrainLoss, c.Accuracy }).ToListAsync(ct);
        var lastByClient = last.ToDictionary(l => l.ClientId);
        return [.. totals.Select(t => new ClientTotal(t.ClientId, t.Rounds, t.LastRound,
            lastByClient.GetValueOrDefault(t.ClientId)?.TrainLoss, lastByClient.GetValueOrDefault(t.ClientId)?.Accuracy, t.Up, t.Down, t.Flops, t.Seconds))];
    }

    private static async Task<HeatmapRows> HeatmapAsync(FedLabDbContext db, long key, int clients, int lastRound, CancellationToken ct)
    {
        if (clients <= 0 || lastRound < 1)
        {
            return new HeatmapRows(Math.Max(0, clients), [], false);
        }
        int bucket = HeatmapRows.BucketSize(lastRound);
        var cells = await db.ClientRounds.AsNoTracking()
            .Where(c => c.RunKey == key && c.Round >= 1 && c.Round <= lastRound && c.ClientId < clients)
            .GroupBy(c => new { Row = (c.Round - 1) / bucket, c.ClientId })
            .Select(g => new { g.Key.Row, g.Key.ClientId, Loss = g.Average(c => c.TrainLoss) })
            .ToListAsync(ct);
        return HeatmapRows.FromCells(clients, lastRound, cells.Select(c => (c.Row, c.ClientId, c.Loss)));
    }

    private static RunSpec? TryParse(string json)
    {
        try
        {
            return RunSpecJson.Parse(json);
        }
        catch (RunSpecException)
        {
            return null;
        }
    }
}
