using System.Linq.Expressions;
using FedLab.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace FedLab.Data.Queries;

/// <summary>The run list: filter, count, sort, page, in two statements (count and page).</summary>
internal static class RunListing
{
    public static async Task<RunPage> ListAsync(FedLabDbContext db, RunListQuery query, CancellationToken ct)
    {
        if (query.Page < 1)
        {
            throw new ArgumentException($"page must be 1 or more, got {query.Page}", nameof(query));
        }
        if (query.PageSize is < 1 or > RunListQuery.MaxPageSize)
        {
            throw new ArgumentException($"page size must be between 1 and {RunListQuery.MaxPageSize}, got {query.PageSize}", nameof(query));
        }
        if (!Enum.IsDefined(query.SortBy))
        {
            throw new ArgumentException($"unknown sort column {(int)query.SortBy}; use one of {string.Join(", ", Enum.GetNames<RunSortColumn>())}", nameof(query));
        }
        var runs = Filter(db.Runs.AsNoTracking(), query);
        int total = await runs.CountAsync(ct);
        var page = await Sort(runs, query.SortBy, query.Descending)
            .Skip((int)Math.Min(int.MaxValue, ((long)query.Page - 1) * query.PageSize))
            .Take(query.PageSize)
            .Select(r => new { Run = r, Experiment = r.Experiment == null ? null : r.Experiment.Name })
            .ToListAsync(ct);
        return new RunPage(page.Select(p => RowMapping.Summary(p.Run, p.Experiment)).ToList(), total, query.Page, query.PageSize);
    }

    private static IQueryable<RunEntity> Filter(IQueryable<RunEntity> runs, RunListQuery query)
    {
        if (!string.IsNullOrWhiteSpace(query.Framework))
        {
            runs = runs.Where(r => r.Framework == query.Framework);
        }
        if (!string.IsNullOrWhiteSpace(query.Model))
        {
            runs = runs.Where(r => r.Model == query.Model);
        }
        if (!string.IsNullOrWhiteSpace(query.Dataset))
        {
            runs = runs.Where(r => r.Dataset == query.Dataset);
        }
        if (query.Status is { } status)
        {
            var name = status.ToString();
            runs = runs.Where(r => r.Status == name);
        }
        if (query.ExperimentId is Guid experiment)
        {
            runs = runs.Where(r => r.ExperimentId == experiment);
        }
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var pattern = "%" + EscapeLike(query.Text.Trim()) + "%";
            runs = runs.Where(r => EF.Functions.Like(r.Name, pattern, "\\"));
        }
        return runs;
    }

    private static IOrderedQueryable<RunEntity> Sort(IQueryable<RunEntity> runs, RunSortColumn column, bool descending)
    {
        IOrderedQueryable<RunEntity> By<TKey>(Expression<Func<RunEntity, TKey>> key) =>
            descending ? runs.OrderByDescending(key) : runs.OrderBy(key);

        var sorted = column switch
        {
            RunSortColumn.Started => By(r => r.StartedAt),
            RunSortColumn.Finished => By(r => r.FinishedAt),
            RunSortColumn.Name => By(r => r.Name),
            RunSortColumn.Experiment => By(r => r.Experiment == null ? null : r.Experiment.Name),
            RunSortColumn.Framework => By(r => r.Framework),
            RunSortColumn.Model => By(r => r.Model),
            RunSortColumn.Dataset => By(r => r.Dataset),
            RunSortColumn.Partition => By(r => r.PartitionKind),
            RunSortColumn.Clients => By(r => r.Clients),
            RunSortColumn.Alpha => By(r => r.Alpha),
            RunSortColumn.Seed => By(r => r.Seed),
            RunSortColumn.Status => By(r => r.Status),
            RunSortColumn.Rounds => By(r => r.LastRound),
            RunSortColumn.BestAccuracy => By(r => r.BestAccuracy),
            RunSortColumn.FinalAccuracy => By(r => r.FinalAccuracy),
            RunSortColumn.MbUp => By(r => r.TotalBytesUp),
            RunSortColumn.MbDown => By(r => r.TotalBytesDown),
            RunSortColumn.ClientTflops => By(r => r.TotalClientFlops),
            RunSortColumn.Duration => By(r => r.TotalSeconds),
            _ => By(r => r.CreatedAt),
        };
        // Newest first among equals, so pages never overlap or skip.
        return sorted.ThenByDescending(r => r.Key);
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
