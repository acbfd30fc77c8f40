using FedLab.Data;
using FedLab.Data.Studies;
using FedLab.Engine.Runs;
using FedLab.Engine.Studies;
using FedLab.Web.Api;
using FedLab.Web.Queue;

namespace FedLab.Web.Studies;

/// <summary>
/// Studies in the dashboard: a study is an experiment of queued runs (the hosted queue runs them one at a time, like
/// any run) plus its spec. Create (every run validated first, with the dashboard's dataset rule), cancel, resume,
/// rerun the failed runs, add a seed. The REST API and the study page both come through here.
/// </summary>
public sealed class StudyService(StudyStore studies, StudyAnalysis analysis, RunQueue queue, RunSpecChecker checker)
{
    public Task<IReadOnlyList<StudyRow>> ListAsync(CancellationToken ct) => studies.ListAsync(ct);

    public Task<StudyState?> GetAsync(Guid id, CancellationToken ct) => studies.GetAsync(id, ct);

    public async Task<StudyResults?> AnalyseAsync(Guid id, DeploymentProfile profile, CancellationToken ct) =>
        await studies.GetAsync(id, ct) is { } state ? await analysis.AnalyseAsync(state, profile, ct) : null;

    /// <summary>Parses, expands and validates a study; on success queues every run. Errors name the field (and the axis value).</summary>
    public async Task<(Guid? Id, int Runs, IReadOnlyList<SpecError> Errors)> CreateAsync(string json, CancellationToken ct)
    {
        StudySpec spec;
        IReadOnlyList<StudyCell> cells;
        try
        {
            spec = StudySpecJson.Parse(json);
            cells = StudyPlan.Expand(spec);
        }
        catch (RunSpecException ex)
        {
            return (null, 0, ex.Errors);
        }
        // The dashboard's own rule (a dataset must be bundled or uploaded here) on the base, once.
        var serverErrors = checker.Validate(cells[0].Spec).Select(e => e with { Field = "base." + e.Field }).ToList();
        if (serverErrors.Count > 0)
        {
            return (null, 0, serverErrors);
        }
        var (id, runIds) = await queue.EnqueueExperimentAsync(spec.Name, spec.Description ?? "study", [.. cells.Select(c => c.Spec)], ct);
        await studies.SetSpecAsync(id, spec, ct);
        return (id, runIds.Count, []);
    }

    /// <summary>Cancels the study's queued and running runs; the number cancelled.</summary>
    public async Task<int> CancelAsync(StudyState state, CancellationToken ct)
    {
        int count = 0;
        foreach (var run in state.Runs.Select(r => r.Run).OfType<RunSummaryRow>().Where(r => r.Status is RunStatus.Queued or RunStatus.Running))
        {
            if ((await queue.CancelAsync(run.Id, ct)).Ok)
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>Queues again the interrupted and cancelled runs (continuing after their last round) and any cell without a run.</summary>
    public async Task<int> ResumeAsync(StudyState state, CancellationToken ct)
    {
        int count = 0;
        foreach (var item in state.Runs)
        {
            if (item.Run is null)
            {
                await queue.EnqueueAsync(item.Cell.Spec, state.Id, ct);
                count++;
            }
            else if (item.Run.Status is RunStatus.Interrupted or RunStatus.Cancelled && (await queue.ResumeAsync(item.Run.Id, ct)).Ok)
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>Queues a fresh run for each failed cell (the failed run stays recorded; the newest run of a cell counts).</summary>
    public async Task<int> RerunFailedAsync(StudyState state, CancellationToken ct)
    {
        var failed = state.Runs.Where(r => r.Run?.Status == RunStatus.Failed).ToList();
        foreach (var item in failed)
        {
            await queue.EnqueueAsync(item.Cell.Spec, state.Id, ct);
        }
        return failed.Count;
    }

    /// <summary>Adds a seed: the spec gains it and its runs are queued. Errors name the field.</summary>
    public async Task<(int Runs, IReadOnlyList<SpecError> Errors)> AddSeedAsync(StudyState state, int seed, CancellationToken ct)
    {
        if (seed < 0)
        {
            return (0, [new SpecError("seed", "must be a non-negative integer")]);
        }
        if (state.Spec.Seeds.Contains(seed))
        {
            return (0, [new SpecError("seed", $"the study already has seed {seed}")]);
        }
        var spec = state.Spec with { Seeds = [.. state.Spec.Seeds, seed] };
        IReadOnlyList<StudyCell> cells;
        try
        {
            cells = StudyPlan.Expand(spec);
        }
        catch (RunSpecException ex)
        {
            return (0, ex.Errors);
        }
        await studies.SetSpecAsync(state.Id, spec, ct);
        var added = cells.Where(c => c.Seed == seed).ToList();
        foreach (var cell in added)
        {
            await queue.EnqueueAsync(cell.Spec, state.Id, ct);
        }
        return (added.Count, []);
    }
}
