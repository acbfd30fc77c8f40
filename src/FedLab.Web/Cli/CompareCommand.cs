using FedLab.Data;
using FedLab.Engine.Federation;
using FedLab.Engine.Runs;

namespace FedLab.Web.Cli;

/// <summary>
/// <c>compare --config compare.json [--out compare.csv]</c>: runs one base spec under several frameworks, one after
/// another (same model, data, partition, seed and local work), printing each run's rounds, then a table of best and
/// final accuracy, MB up and down per client, client TFLOPs, client seconds and wall seconds, and the trade-offs
/// measured from it. With --out it writes the table as CSV and, next to it (same name, .json), every round of every
/// run. The runs are recorded in the database as one experiment, so the dashboard shows them side by side.
/// Every spec is checked before anything starts. Ctrl+C cancels the current run after its batch, skips the rest,
/// and still reports what completed. Exit codes as for run: 0 all finished, 1 a run failed, 2 bad input, 130 cancelled.
/// </summary>
internal static class CompareCommand
{
    public static async Task<int> ExecuteAsync(CliArguments args, Func<CancellationToken, Task<CliDatabase>> openDatabase, EngineOptions engine, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var configPath = args.Get("config");
        if (configPath is null)
        {
            error.WriteLine("usage: compare --config <compare.json> [--out <table.csv>]");
            return RunCommand.BadInput;
        }
        var outPath = args.Get("out");
        if (outPath is not null && !outPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            error.WriteLine($"--out must name a .csv file (the JSON is written next to it), got '{outPath}'");
            return RunCommand.BadInput;
        }
        if (outPath is not null && (OutputFileCheck.Problem(outPath) ?? OutputFileCheck.Problem(Path.ChangeExtension(outPath, ".json"))) is string outProblem)
        {
            error.WriteLine(outProblem);
            return RunCommand.BadInput;
        }
        string name;
        IReadOnlyList<CompareRun> runs;
        try
        {
            (name, runs) = CompareFile.Parse(RunCommand.ReadSpec(configPath));
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

        await using var database = await openDatabase(ct);
        foreach (var run in runs)
        {
            if (DatasetFileCheck.Check(run.Spec, database.Settings) is { Count: > 0 } fileErrors)
            {
                WriteErrors(error, $"{configPath} ({run.Label})", fileErrors);
                return RunCommand.BadInput;
            }
        }
        var experimentId = await database.Store.CreateExperimentAsync(name, $"compare: {string.Join(", ", runs.Select(r => r.Label))}", CancellationToken.None);
        output.WriteLine($"{name}: {runs.Count} runs, one after another (experiment {experimentId}, recorded in {database.Settings.DatabasePath})");
        var results = new List<RunResult>();
        foreach (var run in runs)
        {
            if (ct.IsCancellationRequested)
            {
                break;
            }
            var runId = await database.Store.CreateRunAsync(run.Spec, experimentId, ct);
            try
            {
                var recorded = await database.Launcher.ExecuteAsync(runId, engine, new ConsoleRoundPrinter(output, run.Label), ct);
                if (recorded.FailedWrites > 0)
                {
                    error.WriteLine($"warning: {recorded.FailedWrites} event(s) of run {runId} could not be written to the database ({recorded.LastWriteError?.Message})");
                }
                results.Add(recorded.Result);
            }
            catch (RunSpecException ex) // what only loading the data can tell (a user's file)
            {
                await database.Store.DeleteRunAsync(runId, CancellationToken.None);
                WriteErrors(error, $"{configPath} ({run.Label})", ex.Errors);
                return RunCommand.BadInput;
            }
            if (results[^1].Status == RunStatus.Cancelled)
            {
                break;
            }
        }

        var rows = results.Select((r, i) => CompareRow.From(runs[i].Label, r)).ToList();
        output.WriteLine();
        if (rows.Count > 0)
        {
            CompareReport.WriteTable(output, rows);
            CompareReport.WriteObservations(output, rows, runs);
        }
        if (results.Count < runs.Count)
        {
            output.WriteLine($"skipped after cancellation: {string.Join(", ", runs.Skip(results.Count).Select(r => r.Label))}");
        }
        if (outPath is not null)
        {
            var jsonPath = Path.ChangeExtension(outPath, ".json");
            await File.WriteAllTextAsync(outPath, CompareReport.Csv(rows), CancellationToken.None);
            await File.WriteAllTextAsync(jsonPath, CompareReport.Json(name, rows, results), CancellationToken.None);
            output.WriteLine($"table written to {outPath}, every round to {jsonPath}");
        }
        output.Flush();
        if (results.Any(r => r.Status == RunStatus.Failed))
        {
            return RunCommand.Failed;
        }
        return results.Count == runs.Count && results.All(r => r.Status == RunStatus.Finished) ? RunCommand.Ok : RunCommand.Cancelled;
    }

    private static void WriteErrors(TextWriter error, string source, IReadOnlyList<SpecError> errors)
    {
        error.WriteLine($"{source}: invalid comparison ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}); nothing was started:");
        foreach (var e in errors)
        {
            error.WriteLine($"  {e.Field}: {e.Message}");
        }
    }
}
