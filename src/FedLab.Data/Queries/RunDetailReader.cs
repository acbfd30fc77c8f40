using FedLab.Engine.Runs;
using Microsoft.EntityFrameworkCore;

namespace FedLab.Data.Queries;

/// <summary>One run with every round, client round (with their traffic by payload kind and named metrics) and partition row.</summary>
internal static class RunDetailReader
{
    public static async Task<RunDetail?> ReadAsync(FedLabDbContext db, Guid runId, CancellationToken ct)
    {
        var head = await db.Runs.AsNoTracking()
            .Where(r => r.Id == runId)
            .Select(r => new { Run = r, Experiment = r.Experiment == null ? null : r.Experiment.Name })
            .SingleOrDefaultAsync(ct);
        if (head is null)
        {
            return null;
        }
        var run = head.Run;
        var rounds = await db.Rounds.AsNoTracking().Where(r => r.RunKey == run.Key).OrderBy(r => r.Round).ToListAsync(ct);
        var clients = await db.ClientRounds.AsNoTracking().Where(c => c.RunKey == run.Key)
            .OrderBy(c => c.Round).ThenBy(c => c.ClientId).ToListAsync(ct);
        var roundTraffic = (await db.RoundTraffic.AsNoTracking().Where(t => t.RunKey == run.Key)
                .Select(t => new { t.Round, t.Kind, t.BytesUp, t.BytesDown }).ToListAsync(ct))
            .ToLookup(t => t.Round, t => (t.Kind, t.BytesUp, t.BytesDown));
        var clientTraffic = (await db.ClientRoundTraffic.AsNoTracking().Where(t => t.RunKey == run.Key)
                .Select(t => new { t.Round, t.ClientId, t.Kind, t.BytesUp, t.BytesDown }).ToListAsync(ct))
            .ToLookup(t => (t.Round, t.ClientId), t => (t.Kind, t.BytesUp, t.BytesDown));
        var roundMetrics = (await db.RoundMetrics.AsNoTracking().Where(m => m.RunKey == run.Key)
                .Select(m => new { m.Round, m.Name, m.Value }).ToListAsync(ct))
            .ToLookup(m => m.Round, m => (m.Name, m.Value));
        var clientMetrics = (await db.ClientRoundMetrics.AsNoTracking().Where(m => m.RunKey == run.Key)
                .Select(m => new { m.Round, m.ClientId, m.Name, m.Value }).ToListAsync(ct))
            .ToLookup(m => (m.Round, m.ClientId), m => (m.Name, m.Value));
        var partitions = await db.Partitions.AsNoTracking().Where(p => p.RunKey == run.Key).OrderBy(p => p.ClientId).ToListAsync(ct);
        RunSpec? spec;
        try
        {
            spec = RunSpecJson.Parse(run.SpecJson);
        }
        catch (RunSpecException)
        {
            spec = null;
        }
        return new RunDetail
        {
            Summary = RowMapping.Summary(run, head.Experiment),
            Spec = spec,
            SpecJson = run.SpecJson,
            Facts = RowMapping.Facts(run),
            ClassNames = RowMapping.ClassNames(run.ClassNamesJson),
            Rounds = [.. rounds.Select(r =>
            {
                var (up, down) = RowMapping.Traffic(roundTraffic[r.Round]);
                return RowMapping.Round(r, up, down, RowMapping.Metrics(roundMetrics[r.Round]));
            })],
            ClientRounds = [.. clients.Select(c =>
            {
                var (up, down) = RowMapping.Traffic(clientTraffic[(c.Round, c.ClientId)]);
                return RowMapping.ClientRound(c, up, down, RowMapping.Metrics(clientMetrics[(c.Round, c.ClientId)]));
            })],
            Partitions = partitions.Select(RowMapping.Partition).ToList(),
            CheckpointPath = run.CheckpointPath,
            CheckpointRound = run.CheckpointRound,
        };
    }
}
