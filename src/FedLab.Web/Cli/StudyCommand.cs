using System.Globalization;
using FedLab.Data;
using FedLab.Data.Studies;
using FedLab.Data.Studies.Export;
using FedLab.Engine.Federation;
using FedLab.Engine.Runs;
using FedLab.Engine.Studies;
using FedLab.Web.Studies;

namespace FedLab.Web.Cli;

/// <summary>
/// <c>study --config study.json --out folder [--profile name|k=v,...] [--rerun-failed] [--png-300dpi]</c>: expands the
/// study (every run validated first; nothing starts on an error, which names the axis value), records it in the
/// database as a study (the dashboard shows it live), runs its runs one after another with a progress bar and the
/// time left, then prints the summary table with 95% intervals and the crossovers, and writes figures (SVG, PNG),
/// tables (CSV, LaTeX) and the report into the folder. The folder remembers the study (study.id): the same command
/// again resumes it (finished runs kept, interrupted ones continued from their checkpoint), --rerun-failed reruns the
/// failed ones from the start, and a config with more seeds adds the new seeds' runs.
/// Exit codes: 0 every run finished, 1 a run failed, 2 bad input, 130 cancelled.
/// </summary>
internal static class StudyCommand
{
    public const string IdFile = "study.id";

    public static async Task<int> ExecuteAsync(CliArguments args, Func<CancellationToken, Task<CliDatabase>> openDatabase, EngineOptions engine, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var configPath = args.Get("config");
        var outDir = args.Get("out");
        if (configPath is null || outDir is null)
        {
            error.WriteLine("usage: study --config <study.json> --out <folder> [--profile <preset>|clientGflops=..,upMbps=..] [--rerun-failed] [--png-300dpi]");
            return RunCommand.BadInput;
        }
        StudySpec spec;
        IReadOnlyList<StudyCell> cells;
        DeploymentProfile profile;
        try
        {
            profile = DeploymentProfileText.Parse(args.Get("profile") ?? DeploymentPresets.LaptopBroadband.Name, "--profile");
            spec = StudySpecJson.Parse(RunCommand.ReadSpec(configPath));
            cells = StudyPlan.Expand(spec);
        }
        catch (RunSpecException ex)
        {
            WriteErrors(error, configPath, ex.Errors);
            return RunCommand.BadInput;
        }
        catch (IOException ex)
        {
            error.WriteLine($"cannot read {configPath}: {ex.Message}");
            return RunCommand.BadInput;
        }
        if (File.Exists(outDir))
        {
            error.WriteLine($"--out must be a folder; '{outDir}' is a file");
            return RunCommand.BadInput;
        }

        await using var database = await openDatabase(ct);
        foreach (var cell in cells.DistinctBy(c => c.Configuration))
        {
            if (DatasetFileCheck.Check(cell.Spec, database.Settings) is { Count: > 0 } fileErrors)
            {
                WriteErrors(error, $"{configPath} ({cell.Configuration})", fileErrors);
                return RunCommand.BadInput;
            }
        }
        var studies = database.Studies;
        var (studyId, problem) = await OpenOrCreateAsync(studies, spec, outDir, output, ct);
        if (problem is not null)
        {
            error.WriteLine(problem);
            return RunCommand.BadInput;
        }
        var state = (await studies.GetAsync(studyId, ct))!;
        output.WriteLine($"study {studyId}: {state.Name}: {state.Total} runs ({string.Join(", ", state.Runs.GroupBy(r => r.Cell.FrameworkLabel).Select(g => $"{g.Count()} {g.Key}"))}), {state.Finished} already finished (recorded in {database.Settings.DatabasePath})");
        bool rerunFailed = args.Has("rerun-failed");
        var progress = new StudyProgress(output, state.Total, state.Finished, TimeProvider.System);
        bool cancelled = false;
        foreach (var item in state.Runs)
        {
            if (ct.IsCancellationRequested)
            {
                cancelled = true;
                break;
            }
            var run = item.Run;
            if (run?.Status == RunStatus.Finished)
            {
                continue;
            }
            if (run?.Status == RunStatus.Running)
            {
                output.WriteLine($"  {item.Cell.Key}: running in another process; left to it");
                continue;
            }
            if (run?.Status == RunStatus.Failed && !rerunFailed)
            {
                output.WriteLine($"  {item.Cell.Key}: failed earlier ({run.Error}); --rerun-failed runs it again");
                continue;
            }
            RecordedRun recorded;
            try
            {
                IRunEventSink? observer = ConsoleProgress.IsTerminal ? new ConsoleProgress(Console.Out) : null;
                if (run is null || run.Status == RunStatus.Failed)
                {
                    var runId = await database.Store.CreateRunAsync(item.Cell.Spec, studyId, ct);
                    recorded = await database.Launcher.ExecuteAsync(runId, engine, observer, ct);
                }
                else if (run.Status == RunStatus.Queued && run.StartedAt is null)
                {
                    recorded = await database.Launcher.ExecuteAsync(run.Id, engine, observer, ct);
                }
                else
                {
                    await database.Launcher.PlanResumeAsync(run.Id, ct);
                    output.WriteLine($"  {item.Cell.Key}: resuming run {run.Id} after round {run.RoundsDone}");
                    recorded = await database.Launcher.ResumeAsync(run.Id, engine, observer, ct);
                }
            }
            catch (Exception ex) when (ex is RunSpecException or ResumeRefusedException)
            {
                output.WriteLine($"  {item.Cell.Key}: could not start: {(ex is RunSpecException s ? string.Join("; ", s.Errors) : ex.Message)}");
                progress.Done(item.Cell, null);
                continue;
            }
            progress.Done(item.Cell, recorded.Result);
            if (recorded.Result.Status == RunStatus.Cancelled)
            {
                cancelled = true;
                break;
            }
        }

        state = (await studies.GetAsync(studyId, CancellationToken.None))!;
        var results = await database.StudyAnalysis.AnalyseAsync(state, profile, CancellationToken.None);
        var profiles = profile.Name == "custom" ? [.. DeploymentPresets.All, profile] : DeploymentPresets.All;
        output.WriteLine();
        output.WriteLine($"{state.Name}: {state.Finished} of {state.Total} runs finished; mean ± 95% CI (Student's t) over seeds; simulated time under {profile.Name}");
        output.Write(StudyTables.Text(results));
        output.WriteLine();
        output.WriteLine("crossovers (uplink bandwidth where the fastest configuration to the target changes):");
        foreach (var line in StudyReport.CrossoverLines(results, profiles))
        {
            output.WriteLine("  " + line);
        }
        var written = await StudyExportWriter.WriteAsync(outDir, results, profiles, args.Has("png-300dpi"), CancellationToken.None);
        output.WriteLine($"figures (SVG and PNG) in {Path.Combine(outDir, "figures")}; tables {Path.Combine(outDir, "summary.csv")}, {Path.Combine(outDir, "summary.tex")}; report {Path.Combine(outDir, "report.html")} ({written.Count} files)");
        if (cancelled)
        {
            output.WriteLine($"cancelled; run the same command again to resume the study");
            return RunCommand.Cancelled;
        }
        if (state.Failed > 0)
        {
            output.WriteLine($"{state.Failed} run(s) failed; `study --config {configPath} --out {outDir} --rerun-failed` runs them again");
            return RunCommand.Failed;
        }
        return state.Finished == state.Total ? RunCommand.Ok : RunCommand.Failed;
    }

    /// <summary>
    /// The study the folder holds (resumed; a config that only adds seeds adds their runs), or a new one. A folder
    /// holding a study with a different spec is refused, changing nothing.
    /// </summary>
    private static async Task<(Guid Id, string? Problem)> OpenOrCreateAsync(StudyStore studies, StudySpec spec, string outDir, TextWriter output, CancellationToken ct)
    {
        var idPath = Path.Combine(outDir, IdFile);
        if (File.Exists(idPath))
        {
            var text = (await File.ReadAllTextAsync(idPath, ct)).Trim();
            if (!Guid.TryParse(text, out var id) || await studies.GetAsync(id, ct) is not { } stored)
            {
                return (Guid.Empty, $"--out: {idPath} names study '{text}', which this database does not hold; use another folder");
            }
            var storedSeeds = stored.Spec.Seeds;
            if (StudySpecJson.Serialize(stored.Spec with { Seeds = spec.Seeds }) != StudySpecJson.Serialize(spec))
            {
                return (Guid.Empty, $"--out: {outDir} holds study {id} ({stored.Name}), whose spec differs from {Path.GetFileName(outDir)}'s config in more than its seeds; use another folder for a new study");
            }
            if (storedSeeds.Except(spec.Seeds).Any())
            {
                return (Guid.Empty, $"seeds: the study already has seeds {string.Join(", ", storedSeeds)}; seeds can be added, not removed");
            }
            var added = spec.Seeds.Except(storedSeeds).ToList();
            if (added.Count > 0)
            {
                await studies.SetSpecAsync(id, spec, ct);
                output.WriteLine($"adding seed(s) {string.Join(", ", added)} to study {id}");
            }
            output.WriteLine($"resuming study {id} from {idPath}");
            return (id, null);
        }
        Directory.CreateDirectory(outDir);
        var created = await studies.CreateAsync(spec, ct);
        await File.WriteAllTextAsync(idPath, created.ToString() + "\n", ct);
        await File.WriteAllTextAsync(Path.Combine(outDir, "study.json"), StudySpecJson.Serialize(spec), ct);
        return (created, null);
    }

    private static void WriteErrors(TextWriter error, string source, IReadOnlyList<SpecError> errors)
    {
        error.WriteLine($"{source}: invalid study ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}); nothing was started:");
        foreach (var e in errors)
        {
            error.WriteLine($"  {e.Field}: {e.Message}");
        }
    }
}
