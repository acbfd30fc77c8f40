using FedLab.Data.Queries;
using FedLab.Engine.Runs;
using FedLab.Engine.Studies;
using Microsoft.EntityFrameworkCore;

namespace FedLab.Data.Studies;

/// <summary>
/// Studies in the store: an experiment row that carries the study spec, and its runs (one per cell, found again by the
/// generated run name, which holds the framework label, the axis values and the seed). Statistics are computed from
/// the runs' rows by <see cref="StudyAnalysis"/>, never stored twice.
/// </summary>
public sealed class StudyStore(IDbContextFactory<FedLabDbContext> contexts, RunStore runs)
{
    /// <summary>Creates the study's experiment row (no runs yet); the caller creates or queues the runs.</summary>
    public async Task<Guid> CreateAsync(StudySpec spec, CancellationToken ct)
    {
        var id = await runs.CreateExperimentAsync(spec.Name, spec.Description ?? "study", ct);
        await SetSpecAsync(id, spec, ct);
        return id;
    }

    /// <summary>Stores the study spec on an experiment (a study created by the queue, or a seed added later).</summary>
    public async Task SetSpecAsync(Guid studyId, StudySpec spec, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var json = StudySpecJson.Serialize(spec);
        int updated = await db.Experiments.Where(e => e.Id == studyId).ExecuteUpdateAsync(s => s.SetProperty(e => e.StudySpecJson, json), ct);
        if (updated == 0)
        {
            throw new KeyNotFoundException($"study {studyId} does not exist");
        }
    }

    public async Task<IReadOnlyList<StudyRow>> ListAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var ids = await db.Experiments.AsNoTracking().Where(e => e.StudySpecJson != null)
            .OrderByDescending(e => e.CreatedAt).Select(e => e.Id).Take(200).ToListAsync(ct);
        var rows = new List<StudyRow>();
        foreach (var id in ids)
        {
            if (await GetAsync(id, ct) is { } s)
            {
                rows.Add(new StudyRow(s.Id, s.Name, s.CreatedAt, s.Total, s.Finished, s.Failed, s.Active, s.StatusText));
            }
        }
        return rows;
    }

    /// <summary>The study with each cell's latest run; null when there is no such study.</summary>
    public async Task<StudyState?> GetAsync(Guid studyId, CancellationToken ct)
    {
        string? json;
        string name;
        DateTime created;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var row = await db.Experiments.AsNoTracking().Where(e => e.Id == studyId)
                .Select(e => new { e.Name, e.StudySpecJson, e.CreatedAt }).FirstOrDefaultAsync(ct);
            if (row?.StudySpecJson is null)
            {
                return null;
            }
            (json, name, created) = (row.StudySpecJson, row.Name, row.CreatedAt);
        }
        var spec = StudySpecJson.Parse(json);
        var cells = StudyPlan.Expand(spec);
        var page = await runs.ListRunsAsync(new RunListQuery { ExperimentId = studyId, PageSize = RunListQuery.MaxPageSize, SortBy = RunSortColumn.Created, Descending = false }, ct);
        var byName = new Dictionary<string, RunSummaryRow>(StringComparer.Ordinal);
        foreach (var run in page.Items)
        {
            byName[run.Name] = run; // oldest first, so the latest run of a cell wins (a rerun of a failed one)
        }
        return new StudyState(studyId, name, spec, RowMapping.Utc(created),
            [.. cells.Select(c => new StudyRunState(c, byName.GetValueOrDefault(c.Spec.Name)))]);
    }
}
