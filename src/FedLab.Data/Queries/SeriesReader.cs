using FedLab.Data.Entities;
using FedLab.Engine.Runs;
using Microsoft.EntityFrameworkCore;

namespace FedLab.Data.Queries;

/// <summary>A run's identity and its rounds in order, as the comparison queries read them.</summary>
internal sealed record RunRounds(Guid Id, string Name, string Framework, RunStatus Status, int RoundsDone, int TotalRounds, IReadOnlyList<RoundRow> Rounds);

/// <summary>
/// Many runs' rounds in ONE statement: the runs LEFT JOIN their rounds, scanned through the rounds' primary key
/// (RunKey, Round). Runs come back in the order asked for; unknown ids are left out; a run without rounds
/// comes back with none.
/// </summary>
internal static class SeriesReader
{
    public static async Task<IReadOnlyList<RunRounds>> ReadAsync(FedLabDbContext db, IReadOnlyCollection<Guid> runIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        var ids = runIds.Distinct().ToList();
        if (ids.Count == 0)
        {
            return [];
        }
        var rows = await (
                from run in db.Runs
                where ids.Contains(run.Id)
                from round in db.Rounds.Where(x => x.RunKey == run.Key).DefaultIfEmpty()
                orderby run.Key, round!.Round
                select new { run.Id, run.Name, run.Framework, run.Status, run.LastRound, run.TotalRounds, Round = round })
            .AsNoTracking()
            .ToListAsync(ct);

        var byRun = new Dictionary<Guid, (RunRounds Header, List<RoundRow> Rounds)>();
        foreach (var row in rows)
        {
            if (!byRun.TryGetValue(row.Id, out var entry))
            {
                var list = new List<RoundRow>();
                entry = (new RunRounds(row.Id, row.Name, row.Framework, RowMapping.Status(row.Status), row.LastRound ?? 0, row.TotalRounds, list), list);
                byRun.Add(row.Id, entry);
            }
            if (row.Round is RoundEntity r)
            {
                entry.Rounds.Add(RowMapping.Round(r));
            }
        }
        return ids.Where(byRun.ContainsKey).Select(id => byRun[id].Header).ToList();
    }
}
