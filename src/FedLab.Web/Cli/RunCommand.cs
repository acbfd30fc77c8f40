using System.Text.Json;
using FedLab.Data;
using FedLab.Engine.Federation;
using FedLab.Engine.Runs;

namespace FedLab.Web.Cli;

/// <summary>
/// <c>run --config spec.json [--out results.json]</c>: validates the spec (every problem listed, nothing
/// started if any), records the run in the database (printing its id) with a checkpoint after every round,
/// runs it on a dedicated thread, prints one line per round, honours Ctrl+C as a clean cancel (resumable), and
/// writes every metric as JSON. Exit codes: 0 finished, 1 failed, 2 bad input, 130 cancelled.
/// </summary>
internal static class RunCommand
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;
    public const int Cancelled = 130;

    public static async Task<int> ExecuteAsync(CliArguments args, Func<CancellationToken, Task<CliDatabase>> openDatabase, EngineOptions engine, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var configPath = args.Get("config");
        if (configPath is null)
        {
            error.WriteLine("usage: run --config <spec.json> [--set <field.path>=<value>]... [--out <results.json>]");
            return BadInput;
        }
        if (args.Get("out") is string outFile && OutputFileCheck.Problem(outFile) is string outProblem)
        {
            error.WriteLine(outProblem);
            return BadInput;
        }
        RunSpec spec;
        try
        {
            spec = RunSpecJson.ParseAndValidate(SpecOverrides.Apply(ReadSpec(configPath), args.GetAll("set")));
        }
        catch (RunSpecException ex)
        {
            WriteErrors(error, configPath, ex.Errors);
            return BadInput;
        }
        catch (IOException ex)
        {
            error.WriteLine($"cannot read {configPath}: {ex.Message}");
            return BadInput;
        }

        await using var database = await openDatabase(ct);
        if (DatasetFileCheck.Check(spec, database.Settings) is { Count: > 0 } fileErrors)
        {
            WriteErrors(error, configPath, fileErrors);
            return BadInput;
        }
        var runId = await database.Store.CreateRunAsync(spec, null, ct);
        output.WriteLine($"run {runId} (recorded in {database.Settings.DatabasePath})");
        RecordedRun recorded;
        try
        {
            // In a terminal a progress bar runs within each round (cleared before the round's line); a pipe or file gets lines only.
            IRunEventSink observer = ConsoleProgress.IsTerminal
                ? new Data.RunEventFanOut([new ConsoleProgress(Console.Out), new ConsoleRoundPrinter(output)])
                : new ConsoleRoundPrinter(output);
            recorded = await database.Launcher.ExecuteAsync(runId, engine, observer, ct);
        }
        catch (RunSpecException ex)
        {
            // Found while loading (e.g. a dataset problem): nothing ran, so nothing stays recorded.
            await database.Store.DeleteRunAsync(runId, CancellationToken.None);
            WriteErrors(error, configPath, ex.Errors);
            return BadInput;
        }
        return await FinishAsync(recorded, args.Get("out"), output, error);
    }

    /// <summary>Reports recording problems, writes the results file, and maps the status to the exit code.</summary>
    internal static async Task<int> FinishAsync(RecordedRun recorded, string? outPath, TextWriter output, TextWriter error)
    {
        var result = recorded.Result;
        if (recorded.FailedWrites > 0)
        {
            error.WriteLine($"warning: {recorded.FailedWrites} event(s) of run {result.RunId} could not be written to the database ({recorded.LastWriteError?.Message}); see the log above");
        }
        if (result.Status is RunStatus.Cancelled or RunStatus.Failed)
        {
            output.WriteLine($"continue it with: resume --run {result.RunId}");
        }
        if (outPath is not null)
        {
            try
            {
                await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(result, RunSpecJson.OutputOptions), CancellationToken.None);
                output.WriteLine($"metrics written to {outPath}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Checked before the run started; the disk may have filled up since. The run itself is recorded.
                error.WriteLine($"could not write {outPath}: {ex.Message}; the run is recorded (export --runs {result.RunId})");
                return Failed;
            }
        }
        return result.Status switch
        {
            RunStatus.Finished => Ok,
            RunStatus.Cancelled => Cancelled,
            _ => Failed,
        };
    }

    internal static string ReadSpec(string path)
    {
        if (!File.Exists(path))
        {
            throw new RunSpecException([new SpecError("--config", $"file '{path}' does not exist")]);
        }
        if (new FileInfo(path).Length > 1_000_000)
        {
            throw new RunSpecException([new SpecError("--config", "spec files are limited to 1 MB")]);
        }
        // The API decodes request bodies with the same rules: UTF-8 only (BOM allowed).
        return RunSpecJson.DecodeUtf8(File.ReadAllBytes(path));
    }

    internal static void WriteErrors(TextWriter error, string source, IReadOnlyList<SpecError> errors)
    {
        error.WriteLine($"{source}: invalid run spec ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}); nothing was started:");
        foreach (var e in errors)
        {
            error.WriteLine($"  {e.Field}: {e.Message}");
        }
    }
}
