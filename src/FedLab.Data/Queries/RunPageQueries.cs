using FedLab.Data.Entities;
using FedLab.Engine.Runs;
using Microsoft.EntityFrameworkCore;

namespace FedLab.Data.Queries;

/// <summary>
/// The run page's and the hub's reads, in a few small queries: the rounds (one row each, with their traffic and named metrics), the
/// partition, and the client rows aggregated IN SQLite (per-client totals; the heatmap's bucket averages), so a run
/// of 1,000 rounds x 100 clients sends the page 200 x 100 numbers, not 100,000 rows through EF.
/// </summary>
public sealed class RunPageQueries(IDbContextFactory<FedLabDbContext> contexts, RunStore store)
{
    /// <summary>The run for its page; the heatmap has at most <paramref name="maxHeatmapRows"/> rows (rounds bucketed). Null if unknown.</summary>
    public async Task<RunPageData?> ReadAsync(Guid runId, int maxHeatmapRows, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxHeatmapRows, 1);
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
        int bucket = Math.Max(1, (int)Math.Ceiling(lastRound / (double)maxHeatmapRows));
        var summaryTask = store.GetRunSummaryAsync(runId, ct);
        var roundsTask = WithContextAsync(db => RoundsAsync(db, run.Key, ct), ct);
        var partitionsTask = WithContextAsync(db => db.Partitions.AsNoTracking().Where(p => p.RunKey == run.Key).OrderBy(p => p.ClientId).ToListAsync(ct), ct);
        var totalsTask = WithContextAsync(db => ClientTotalsAsync(db, run.Key, ct), ct);
        var heatmapTask = WithContextAsync(db => HeatmapAsync(db, run.Key, clients, lastRound, bucket, ct), ct);
        await Task.WhenAll(summaryTask, roundsTask, partitionsTask, totalsTask, heatmapTask);
        if (await summaryTask is not { } summary)
        {
            return null; // deleted meanwhile
        }
        var detail = new RunDetail
        {
            Summary = summary,
            Spec = spec,
            SpecJson = run.SpecJson,
            Facts = RowMapping.Facts(run),
            ClassNames = RowMapping.ClassNames(run.ClassNamesJson),
            Rounds = await roundsTask,
            ClientRounds = [],
            Partitions = [.. (await partitionsTask).Select(RowMapping.Partition)],
            CheckpointPath = run.CheckpointPath,
            CheckpointRound = run.CheckpointRound,
        };
        return new RunPageData(detail, await totalsTask, Math.Max(0, clients), bucket, await heatmapTask);
    }

    /// <summary>Just the rounds, with their traffic (the hub's JoinRun snapshot, a page following another process); null if unknown.</summary>
    public async Task<IReadOnlyList<RoundRow>?> GetRoundsAsync(Guid runId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await KeyAsync(db, runId, ct) is long key ? await RoundsAsync(db, key, ct) : null;
    }

    /// <summary>One round's client rows (results and failures) with their traffic, by client; empty if unknown.</summary>
    public async Task<IReadOnlyList<ClientRoundRow>> GetClientRoundsAsync(Guid runId, int round, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await KeyAsync(db, runId, ct) is not long key)
        {
            return [];
        }
        var rows = await db.ClientRounds.AsNoTracking().Where(c => c.RunKey == key && c.Round == round).OrderBy(c => c.ClientId).ToListAsync(ct);
        var traffic = (await db.ClientRoundTraffic.AsNoTracking().Where(t => t.RunKey == key && t.Round == round)
                .Select(t => new { t.ClientId, t.Kind, t.BytesUp, t.BytesDown }).ToListAsync(ct))
            .ToLookup(t => t.ClientId, t => (t.Kind, t.BytesUp, t.BytesDown));
        var metrics = (await db.ClientRoundMetrics.AsNoTracking().Where(m => m.RunKey == key && m.Round == round)
                .Select(m => new { m.ClientId, m.Name, m.Value }).ToListAsync(ct))
            .ToLookup(m => m.ClientId, m => (m.Name, m.Value));
        return [.. rows.Select(c =>
        {
            var (up, down) = RowMapping.Traffic(traffic[c.ClientId]);
            return RowMapping.ClientRound(c, up, down, RowMapping.Metrics(metrics[c.ClientId]));
        })];
    }

    /// <summary>The stored spec JSON of several runs in one query (no rounds read); unknown ids are left out.</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> GetSpecJsonAsync(IReadOnlyCollection<Guid> runIds, CancellationToken ct)
    {
        if (runIds.Count == 0)
        {
            return new Dictionary<Guid, string>();
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var ids = runIds.ToList();
        var specs = await db.Runs.AsNoTracking().Where(r => ids.Contains(r.Id)).Select(r => new { r.Id, r.SpecJson }).ToListAsync(ct);
        return specs.ToDictionary(s => s.Id, s => s.SpecJson);
    }

    private async Task<T> WithContextAsync<T>(Func<FedLabDbContext, Task<T>> read, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await read(db);
    }

    private static Task<long?> KeyAsync(FedLabDbContext db, Guid runId, CancellationToken ct) =>
        db.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => (long?)r.Key).SingleOrDefaultAsync(ct);

    private static async Task<List<RoundRow>> RoundsAsync(FedLabDbContext db, long key, CancellationToken ct)
    {
        var rows = await db.Rounds.AsNoTracking().Where(r => r.RunKey == key).OrderBy(r => r.Round).ToListAsync(ct);
        var traffic = (await db.RoundTraffic.AsNoTracking().Where(t => t.RunKey == key)
                .Select(t => new { t.Round, t.Kind, t.BytesUp, t.BytesDown }).ToListAsync(ct))
            .ToLookup(t => t.Round, t => (t.Kind, t.BytesUp, t.BytesDown));
        var metrics = (await db.RoundMetrics.AsNoTracking().Where(m => m.RunKey == key)
                .Select(m => new { m.Round, m.Name, m.Value }).ToListAsync(ct))
            .ToLookup(m => m.Round, m => (m.Name, m.Value));
        return [.. rows.Select(r =>
        {
            var (up, down) = RowMapping.Traffic(traffic[r.Round]);
            return RowMapping.Round(r, up, down, RowMapping.Metrics(metrics[r.Round]));
        })];
    }

    private static async Task<IReadOnlyList<ClientTotalRow>> ClientTotalsAsync(FedLabDbContext db, long key, CancellationToken ct)
    {
        const string ok = ClientRoundStatus.Ok;
        var mine = db.ClientRounds.AsNoTracking().Where(c => c.RunKey == key);
        var totals = await mine.GroupBy(c => c.ClientId).Select(g => new
        {
            ClientId = g.Key,
            Rounds = g.Count(c => c.Status == ok),
            Failures = g.Count(c => c.Status != ok),
            LastRound = g.Where(c => c.Status == ok).Max(c => (int?)c.Round),
            Up = g.Sum(c => c.BytesUp),
            Down = g.Sum(c => c.BytesDown),
            Flops = g.Sum(c => c.Flops),
            Seconds = g.Sum(c => c.Seconds),
        }).ToListAsync(ct);
        var done = mine.Where(c => c.Status == ok);
        var lastRounds = done.GroupBy(c => c.ClientId).Select(g => new { ClientId = g.Key, Round = g.Max(c => c.Round) });
        var last = await (from c in done
                          join l in lastRounds on new { c.ClientId, c.Round } equals new { l.ClientId, l.Round }
                          select new { c.ClientId, c.TrainLoss, c.Accuracy }).ToListAsync(ct);
        var lastByClient = last.ToDictionary(l => l.ClientId);
        return [.. totals.Select(t => new ClientTotalRow(t.ClientId, t.Rounds, t.LastRound ?? 0,
            lastByClient.GetValueOrDefault(t.ClientId)?.TrainLoss, lastByClient.GetValueOrDefault(t.ClientId)?.Accuracy,
            t.Up, t.Down, t.Flops, t.Seconds, t.Failures))];
    }

    private static async Task<IReadOnlyList<HeatmapCell>> HeatmapAsync(FedLabDbContext db, long key, int clients, int lastRound, int bucket, CancellationToken ct)
    {
        if (clients <= 0 || lastRound < 1)
        {
            return [];
        }
        var inGrid = db.ClientRounds.AsNoTracking().Where(c => c.RunKey == key && c.Round >= 1 && c.Round <= lastRound && c.ClientId < clients);
        var losses = await inGrid
            .GroupBy(c => new { Row = (c.Round - 1) / bucket, c.ClientId })
            .Select(g => new { g.Key.Row, g.Key.ClientId, Loss = g.Average(c => c.TrainLoss), Failed = g.Count(c => c.Status != ClientRoundStatus.Ok) })
            .ToListAsync(ct);
        // Failures are few (and usually none): only then read them as rows, keeping the last one per cell.
        var failures = losses.Any(c => c.Failed > 0)
            ? (await inGrid.Where(c => c.Status != ClientRoundStatus.Ok).OrderBy(c => c.Round)
                    .Select(c => new { c.Round, c.ClientId, c.Status, c.Reason }).ToListAsync(ct))
                .GroupBy(f => ((f.Round - 1) / bucket, f.ClientId))
                .ToDictionary(g => g.Key, g => string.IsNullOrWhiteSpace(g.Last().Reason) ? g.Last().Status : g.Last().Status + ": " + g.Last().Reason)
            : new Dictionary<(int, int), string>();
        return [.. losses.Select(c => new HeatmapCell(c.Row, c.ClientId, c.Loss, failures.GetValueOrDefault((c.Row, c.ClientId))))];
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
