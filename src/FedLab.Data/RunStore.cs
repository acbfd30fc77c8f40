using FedLab.Data.Entities;
using FedLab.Data.Export;
using FedLab.Data.Queries;
using FedLab.Engine.Runs;
using Microsoft.EntityFrameworkCore;

namespace FedLab.Data;

/// <summary>
/// Runs in the database: create, list, read, compare, export, delete, and the start-up sweep that marks runs
/// of dead processes as interrupted. Thread-safe (a context per call). Unknown run ids: methods returning a
/// nullable or bool say so; the others throw <see cref="KeyNotFoundException"/>. Bad arguments throw
/// <see cref="ArgumentException"/> with a plain message.
/// </summary>
public sealed class RunStore(IDbContextFactory<FedLabDbContext> contexts, FedLabDataOptions options, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public FedLabDataOptions Options => options;

    public async Task<Guid> CreateExperimentAsync(string name, string? description, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            throw new ArgumentException("experiment name must be 1 to 200 characters", nameof(name));
        }
        if (description is { Length: > 4000 })
        {
            throw new ArgumentException("experiment description is limited to 4000 characters", nameof(description));
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var experiment = new ExperimentEntity { Id = Guid.NewGuid(), Name = name.Trim(), Description = description, CreatedAt = Now() };
        db.Experiments.Add(experiment);
        await db.SaveChangesAsync(ct);
        return experiment.Id;
    }

    public async Task<IReadOnlyList<ExperimentRow>> ListExperimentsAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Experiments.AsNoTracking()
            .OrderByDescending(e => e.CreatedAt)
            .Select(e => new { e.Id, e.Name, e.Description, e.CreatedAt, Runs = db.Runs.Count(r => r.ExperimentId == e.Id) })
            .ToListAsync(ct);
        return rows.Select(e => new ExperimentRow(e.Id, e.Name, e.Description, RowMapping.Utc(e.CreatedAt), e.Runs)).ToList();
    }

    /// <summary>Puts a run into an experiment (or takes it out with null).</summary>
    public async Task SetExperimentAsync(Guid runId, Guid? experimentId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await RequireExperimentAsync(db, experimentId, ct);
        int updated = await db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s.SetProperty(r => r.ExperimentId, experimentId), ct);
        if (updated == 0)
        {
            throw NotFound(runId);
        }
    }

    /// <summary>Creates a run in status Queued, owned by this process. The spec must validate; it is stored as JSON.</summary>
    public async Task<Guid> CreateRunAsync(RunSpec spec, Guid? experimentId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new RunSpecValidator().Validate(spec);
        if (errors.Count > 0)
        {
            throw new RunSpecException(errors);
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        await RequireExperimentAsync(db, experimentId, ct);
        var run = SpecColumns.NewRun(Guid.NewGuid(), spec, experimentId, Now(), ProcessOwner.Current);
        db.Runs.Add(run);
        await db.SaveChangesAsync(ct);
        return run.Id;
    }

    public async Task<RunPage> ListRunsAsync(RunListQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await RunListing.ListAsync(db, query, ct);
    }

    /// <summary>One run's list row (for a page that follows a single run); null if unknown.</summary>
    public async Task<RunSummaryRow?> GetRunSummaryAsync(Guid runId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var head = await db.Runs.AsNoTracking().Where(r => r.Id == runId)
            .Select(r => new { Run = r, Experiment = r.Experiment == null ? null : r.Experiment.Name }).SingleOrDefaultAsync(ct);
        return head is null ? null : RowMapping.Summary(head.Run, head.Experiment);
    }

    public async Task<RunFilterOptions> GetFilterOptionsAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var frameworks = await db.Runs.Select(r => r.Framework).Distinct().OrderBy(x => x).ToListAsync(ct);
        var models = await db.Runs.Select(r => r.Model).Distinct().OrderBy(x => x).ToListAsync(ct);
        var datasets = await db.Runs.Select(r => r.Dataset).Distinct().OrderBy(x => x).ToListAsync(ct);
        return new RunFilterOptions(frameworks, models, datasets);
    }

    public async Task<RunDetail?> GetRunAsync(Guid runId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await RunDetailReader.ReadAsync(db, runId, ct);
    }

    /// <summary>Round series of many runs in one statement, in the order asked for; unknown ids are left out.</summary>
    public async Task<IReadOnlyList<RunSeries>> GetSeriesAsync(IReadOnlyCollection<Guid> runIds, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var runs = await SeriesReader.ReadAsync(db, runIds, ct);
        return runs.Select(SeriesBuilder.Series).ToList();
    }

    public Task<IReadOnlyList<RunMetricSummary>> GetSummariesAsync(IReadOnlyCollection<Guid> runIds, CancellationToken ct) =>
        GetSummariesAsync(runIds, null, ct);

    /// <summary>Best/final/min/max per metric and totals; with a target accuracy, also the cost to first reach it.</summary>
    public async Task<IReadOnlyList<RunMetricSummary>> GetSummariesAsync(IReadOnlyCollection<Guid> runIds, double? targetAccuracy, CancellationToken ct)
    {
        if (targetAccuracy is double t && (double.IsNaN(t) || t < 0 || t > 1))
        {
            throw new ArgumentException($"target accuracy must be between 0 and 1, got {t}", nameof(targetAccuracy));
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var runs = await SeriesReader.ReadAsync(db, runIds, ct);
        return runs.Select(r => SeriesBuilder.Summary(r, targetAccuracy)).ToList();
    }

    /// <summary>
    /// Deletes the run's rows and its checkpoint files; false if there is no such run. A run that is running in
    /// a live process is refused (cancel it first).
    /// </summary>
    public async Task<bool> DeleteRunAsync(Guid runId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var run = await db.Runs.AsNoTracking().SingleOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null)
        {
            return false;
        }
        if (run.Status == nameof(RunStatus.Running) && ProcessOwner.IsAlive(run.OwnerHost, run.OwnerPid, run.OwnerStartedAt))
        {
            throw new InvalidOperationException($"run {runId} is running (process {run.OwnerPid}); cancel it before deleting it");
        }
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.ClientRoundTraffic.Where(c => c.RunKey == run.Key).ExecuteDeleteAsync(ct);
            await db.ClientRoundMetrics.Where(c => c.RunKey == run.Key).ExecuteDeleteAsync(ct);
            await db.RoundMetrics.Where(r => r.RunKey == run.Key).ExecuteDeleteAsync(ct);
            await db.ClientRounds.Where(c => c.RunKey == run.Key).ExecuteDeleteAsync(ct);
            await db.RoundTraffic.Where(r => r.RunKey == run.Key).ExecuteDeleteAsync(ct);
            await db.Rounds.Where(r => r.RunKey == run.Key).ExecuteDeleteAsync(ct);
            await db.Partitions.Where(p => p.RunKey == run.Key).ExecuteDeleteAsync(ct);
            await db.Runs.Where(r => r.Key == run.Key).ExecuteDeleteAsync(ct);
            await tx.CommitAsync(ct);
        }
        var files = RunCheckpointFiles.All(options.CheckpointDirectory, runId).ToList();
        if (run.CheckpointPath is string path && Path.GetDirectoryName(path) is string dir && dir != options.CheckpointDirectory)
        {
            files.AddRange(RunCheckpointFiles.All(dir, runId));
        }
        foreach (var file in files)
        {
            File.Delete(file);
        }
        return true;
    }

    /// <summary>
    /// Runs left Running or Queued by a process that no longer exists become Interrupted (resumable). Runs of
    /// live processes (this one, or a dashboard and a CLI sharing the file) are left alone. Returns the count.
    /// </summary>
    public async Task<int> MarkInterruptedAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        string running = nameof(RunStatus.Running), queued = nameof(RunStatus.Queued);
        var candidates = await db.Runs.AsNoTracking()
            .Where(r => r.Status == running || r.Status == queued)
            .Select(r => new { r.Key, r.Status, r.OwnerHost, r.OwnerPid, r.OwnerStartedAt, r.LastRound })
            .ToListAsync(ct);
        int marked = 0;
        foreach (var run in candidates.Where(c => !ProcessOwner.IsAlive(c.OwnerHost, c.OwnerPid, c.OwnerStartedAt)))
        {
            var why = run.Status == running
                ? $"the process running it (pid {run.OwnerPid}) ended without finishing it; {(run.LastRound is int last ? $"round {last} is the last on disk" : "no round was completed")}"
                : $"it was queued by a process (pid {run.OwnerPid}) that ended before starting it";
            // Guarded by the status read above, in case the run moved on meanwhile.
            marked += await db.Runs.Where(r => r.Key == run.Key && r.Status == run.Status).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, nameof(RunStatus.Interrupted))
                .SetProperty(r => r.Error, why), ct);
        }
        return marked;
    }

    /// <summary>Sets a run's status (e.g. the dashboard's queue cancelling a run that never started).</summary>
    public async Task SetStatusAsync(Guid runId, RunStatus status, string? error, CancellationToken ct)
    {
        if (!Enum.IsDefined(status))
        {
            throw new ArgumentException($"unknown status {(int)status}", nameof(status));
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var run = await db.Runs.SingleOrDefaultAsync(r => r.Id == runId, ct) ?? throw NotFound(runId);
        var now = Now();
        run.Status = status.ToString();
        run.Error = error;
        switch (status)
        {
            case RunStatus.Queued or RunStatus.Running:
                var owner = ProcessOwner.Current;
                (run.OwnerHost, run.OwnerPid, run.OwnerStartedAt) = (owner.Host, owner.Pid, owner.StartedAt);
                run.FinishedAt = null;
                if (status == RunStatus.Running)
                {
                    run.StartedAt ??= now;
                }
                break;
            case RunStatus.Finished or RunStatus.Failed or RunStatus.Cancelled:
                run.FinishedAt = now;
                break;
        }
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// Atomically moves a stopped run to Queued, owned by this process, if it is still in <paramref name="expected"/>:
    /// of two processes resuming the same run, one wins. False if the status changed meanwhile.
    /// </summary>
    internal async Task<bool> TryClaimAsync(Guid runId, RunStatus expected, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var owner = ProcessOwner.Current;
        string from = expected.ToString();
        return await db.Runs.Where(r => r.Id == runId && r.Status == from).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, nameof(RunStatus.Queued))
            .SetProperty(r => r.OwnerHost, owner.Host)
            .SetProperty(r => r.OwnerPid, owner.Pid)
            .SetProperty(r => r.OwnerStartedAt, owner.StartedAt), ct) == 1;
    }

    /// <summary>Puts back the status and error a claimed run had, when the resume could not start.</summary>
    internal async Task ReleaseAsync(Guid runId, RunStatus status, string? error, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        string queued = nameof(RunStatus.Queued);
        await db.Runs.Where(r => r.Id == runId && r.Status == queued).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, status.ToString())
            .SetProperty(r => r.Error, error), ct);
    }

    /// <summary>The checkpoint after the run's last recorded round; null if it has none.</summary>
    public async Task<string?> GetCheckpointPathAsync(Guid runId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Runs.Where(r => r.Id == runId).Select(r => new { r.CheckpointPath }).SingleOrDefaultAsync(ct) ?? throw NotFound(runId);
        return row.CheckpointPath;
    }

    /// <summary>The spec as stored; throws <see cref="RunSpecException"/> if it no longer parses.</summary>
    public async Task<RunSpec> GetSpecAsync(Guid runId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var json = await db.Runs.Where(r => r.Id == runId).Select(r => r.SpecJson).SingleOrDefaultAsync(ct) ?? throw NotFound(runId);
        return RunSpecJson.Parse(json);
    }

    /// <summary>One CSV row per run and round. Every id must exist (checked before anything is written).</summary>
    public async Task ExportCsvAsync(IReadOnlyCollection<Guid> runIds, Stream output, CancellationToken ct) =>
        await CsvExport.WriteAsync(await ReadForExportAsync(runIds, ct), output, ct);

    /// <summary>Every stored fact of each run as one JSON document. Every id must exist.</summary>
    public async Task ExportJsonAsync(IReadOnlyCollection<Guid> runIds, Stream output, CancellationToken ct) =>
        await JsonExport.WriteAsync(await ReadForExportAsync(runIds, ct), _time.GetUtcNow(), output, ct);

    private async Task<IReadOnlyList<RunDetail>> ReadForExportAsync(IReadOnlyCollection<Guid> runIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        if (runIds.Count == 0)
        {
            throw new ArgumentException("name at least one run to export", nameof(runIds));
        }
        await using var db = await contexts.CreateDbContextAsync(ct);
        var details = new List<RunDetail>();
        foreach (var id in runIds.Distinct())
        {
            details.Add(await RunDetailReader.ReadAsync(db, id, ct) ?? throw NotFound(id));
        }
        return details;
    }

    private static async Task RequireExperimentAsync(FedLabDbContext db, Guid? experimentId, CancellationToken ct)
    {
        if (experimentId is Guid id && !await db.Experiments.AnyAsync(e => e.Id == id, ct))
        {
            throw new ArgumentException($"experiment {id} does not exist", nameof(experimentId));
        }
    }

    private static KeyNotFoundException NotFound(Guid runId) => new($"run {runId} does not exist");

    private DateTime Now() => _time.GetUtcNow().UtcDateTime;
}
