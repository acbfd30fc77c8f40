using FedLab.Engine.Federation;
using Microsoft.Data.Sqlite;

namespace FedLab.Web.Cli;

/// <summary>
/// Headless entry points: <c>dotnet run --project src/FedLab.Web -- run --config ...</c>. Every command that
/// touches the database first creates or migrates it and marks runs a dead process left running as interrupted.
/// </summary>
internal static class CommandLine
{
    private const string Usage = """
        FedLab commands:
          run --config <spec.json> [--out <results.json>]        run one spec headless, recorded in the database
          runs [--limit <n>] [--status <s>] [--framework <f>] [--text <t>]
                                                                 list recent runs (id, name, framework, status, rounds, accuracy)
          compare --config <compare.json> [--out <table.csv>]    one base spec under several frameworks: table, CSV and JSON, recorded as an experiment
          resume --run <id> [--out <results.json>]               continue an interrupted, cancelled or failed run from its last round
          export --runs <id,id,...> --out <file.csv|file.json>   one row per run and round (CSV), or everything (JSON)
          model inspect --model <folder|name>                    a Hugging Face folder's family, layers, heads, vocabulary, parameters, dtype
          model logits --model <folder|name> --text <t> --out <f.json>
                                                                 token ids and the last position's logits over the vocabulary (float32)
          (no arguments)                                         start the dashboard
        The database and checkpoints live under FedLab:DataDirectory (appsettings.json; env FEDLAB__DATADIRECTORY).
        """;

    private static readonly Dictionary<string, string[]> Options = new()
    {
        ["run"] = ["config", "out"],
        ["compare"] = ["config", "out"],
        ["runs"] = ["limit", "status", "framework", "text"],
        ["resume"] = ["run", "out"],
        ["export"] = ["runs", "out"],
    };

    public static bool IsCommand(string[] args) => args.Length > 0 && (Options.ContainsKey(args[0]) || args[0] is "help" or "--help" or "model");

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        // Nothing the commands print (run names, file paths, messages) may carry terminal control sequences.
        output = new TerminalSafeWriter(output);
        error = new TerminalSafeWriter(error);
        if (args[0] is "help" or "--help")
        {
            output.WriteLine(Usage);
            return 0;
        }
        var settings = CliSettings.Load();
        ModelFolders.Register(settings.Models);
        if (args[0] == "model")
        {
            return ModelCommand.Execute(args, output, error);
        }
        CliArguments parsed;
        try
        {
            parsed = CliArguments.Parse(args, Options[args[0]]);
        }
        catch (ArgumentException ex)
        {
            error.WriteLine(ex.Message);
            return RunCommand.BadInput;
        }
        var engine = new EngineOptions 
        {
            Threads = settings.EngineThreads,
            // A dataset file named in a spec is read within the limits an upload has (a .gz counted after decompression).
            UserDatasetLimits = new Engine.Datasets.DatasetReadLimits(settings.MaxDecompressedBytes, settings.MaxFieldChars, settings.MaxDatasetRows),
        };
        using var cts = new CancellationTokenSource();
        int interrupts = 0;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (Interlocked.Increment(ref interrupts) > 1)
            {
                // A second Ctrl+C stops at once, whatever is busy (e.g. loading a large dataset, which has no batches yet).
                error.WriteLine("stopping now");
                return;
            }
            e.Cancel = true; // let the run stop at the next batch boundary and record what completed
            error.WriteLine("cancelling after the current batch... (Ctrl+C again stops at once)");
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            Task<CliDatabase> Open(CancellationToken ct) => CliDatabase.OpenAsync(settings, error, ct);
            if (parsed.Command == "run")
            {
                return await RunCommand.ExecuteAsync(parsed, Open, engine, output, error, cts.Token);
            }
            if (parsed.Command == "compare")
            {
                return await CompareCommand.ExecuteAsync(parsed, Open, engine, output, error, cts.Token);
            }
            await using var database = await Open(cts.Token);
            return parsed.Command switch
            {
                "runs" => await RunsCommand.ExecuteAsync(parsed, database, output, error, cts.Token),
                "resume" => await ResumeCommand.ExecuteAsync(parsed, database, engine, output, error, cts.Token),
                _ => await ExportCommand.ExecuteAsync(parsed, database, output, error, cts.Token),
            };
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // No stack traces on the console: the message says what failed and where.
            error.WriteLine(ex is SqliteException ? $"error: {ex.Message} (database {settings.DatabasePath})" : $"error: {ex.Message}");
            return RunCommand.Failed;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            error.WriteLine("cancelled");
            return RunCommand.Cancelled;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
