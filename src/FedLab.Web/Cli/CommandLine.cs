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
          run --config <spec.json> [--set <path>=<value>]... [--out <results.json>] [--cluster]
                                                                 run one spec headless, recorded in the database; --set training.rounds=5 overrides a field;
                                                                 --cluster: clients' work on the FedLab:Cluster workers (docs/cluster.md)
          runs [--limit <n>] [--status <s>] [--framework <f>] [--text <t>] [--json]
                                                                 list recent runs (id, name, framework, status, rounds, accuracy); --json: as JSON
          compare --config <compare.json> [--out <table.csv>]    one base spec under several frameworks: table, CSV and JSON, recorded as an experiment
          study --config <study.json> --out <folder> [--profile <preset>|clientGflops=..,upMbps=..] [--rerun-failed] [--png-300dpi]
                                                                 a study (frameworks × axes × seeds): progress, table with 95% CIs, figures, CSV, LaTeX, report; again to resume
          resume --run <id> [--out <results.json>]               continue an interrupted, cancelled or failed run from its last round
          export --runs <id,id,...> --out <file.csv|file.json> [--rows rounds|clients]
                                                                 one row per run and round (CSV; per client round with --rows clients), or everything (JSON)
          export-model --run <id> --out <dir> [--round last|best|<k>] [--client <k>]
                                                                 the trained model: a PEFT adapter (LoRA) or a Hugging Face model, plus the head
          schema [--out <file.json>]                             the run spec's JSON Schema (as schemas/run-spec.schema.json)
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
        ["study"] = ["config", "out", "profile"],
        ["runs"] = ["limit", "status", "framework", "text"],
        ["resume"] = ["run", "out"],
        ["export"] = ["runs", "out", "rows"],
        ["export-model"] = ["run", "out", "client", "round"],
        ["schema"] = ["out"],
    };

    /// <summary>Options that take no value.</summary>
    private static readonly Dictionary<string, string[]> Flags = new() { ["runs"] = ["json"], ["study"] = ["rerun-failed", "png-300dpi"], ["run"] = ["cluster"] };

    /// <summary>Options that may be given more than once.</summary>
    private static readonly Dictionary<string, string[]> Repeatable = new() { ["run"] = ["set"] };

    /// <summary>
    /// True when the arguments are for the command line rather than the dashboard: a command, help or version, or a
    /// bare word that is no command (a typo such as "rn" must be an error, never start the dashboard). The dashboard's
    /// own arguments are options (<c>--urls ...</c>) or configuration pairs (<c>urls=...</c>).
    /// </summary>
    public static bool IsCommand(string[] args) =>
        args.Length > 0 && ((!args[0].StartsWith('-') && !args[0].Contains('=')) || args[0] is "--help" or "-h" or "--version");

    /// <summary>The closest command to a mistyped one (edit distance at most 2), for "did you mean".</summary>
    internal static string? Suggest(string word) => Options.Keys.Append("help").Append("model")
        .Select(c => (Command: c, Distance: EditDistance(word.ToLowerInvariant(), c)))
        .Where(c => c.Distance <= 2).OrderBy(c => c.Distance).ThenBy(c => c.Command, StringComparer.Ordinal)
        .Select(c => c.Command).FirstOrDefault();

    private static int EditDistance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int previous = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return row[b.Length];
    }

    /// <summary>The usage lines of one command (its entry in <see cref="Usage"/>, continuation lines included).</summary>
    internal static string CommandUsage(string command)
    {
        var lines = Usage.Split('\n');
        var mine = new List<string>();
        bool inside = false;
        foreach (var line in lines.Skip(1))
        {
            var trimmed = line.TrimStart();
            bool starts = trimmed.StartsWith(command + " ", StringComparison.Ordinal) || trimmed == command;
            bool continuation = line.StartsWith("      ", StringComparison.Ordinal) && !starts && trimmed.Length > 0 && line.Length - trimmed.Length > 10;
            if (starts)
            {
                inside = true;
                mine.Add(trimmed);
            }
            else if (inside && continuation)
            {
                mine.Add("    " + trimmed);
            }
            else
            {
                inside = false;
            }
        }
        return string.Join('\n', mine);
    }

    /// <summary>The version a user reports: the engine version (the assembly's informational version).</summary>
    internal static string Version => EngineVersion.Current;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        // Nothing the commands print (run names, file paths, messages) may carry terminal control sequences.
        output = new TerminalSafeWriter(output);
        error = new TerminalSafeWriter(error);
        if (args[0] is "help" or "--help" or "-h")
        {
            if (args.Length > 1 && (Options.ContainsKey(args[1]) || args[1] == "model"))
            {
                output.WriteLine(CommandUsage(args[1]));
                return 0;
            }
            output.WriteLine(Usage);
            return 0;
        }
        if (args[0] == "--version")
        {
            output.WriteLine($"FedLab {Version}");
            return 0;
        }
        var settings = CliSettings.Load();
        ModelFolders.Register(settings.Models);
        if (args[0] == "model")
        {
            if (args.Skip(1).Any(a => a is "--help" or "-h"))
            {
                output.WriteLine(CommandUsage("model"));
                return 0;
            }
            return ModelCommand.Execute(args, output, error);
        }
        if (!Options.ContainsKey(args[0]))
        {
            var suggestion = Suggest(args[0]);
            error.WriteLine($"unknown command '{args[0]}'{(suggestion is null ? "" : $"; did you mean '{suggestion}'?")} (commands: {string.Join(", ", Options.Keys.Append("model"))}; `help` lists them, no arguments start the dashboard)");
            return RunCommand.BadInput;
        }
        if (args.Skip(1).Any(a => a is "--help" or "-h"))
        {
            output.WriteLine(CommandUsage(args[0]));
            return 0;
        }
        CliArguments parsed;
        try
        {
            parsed = CliArguments.Parse(args, Options[args[0]], Flags.GetValueOrDefault(args[0]) ?? [], Repeatable.GetValueOrDefault(args[0]) ?? []);
        }
        catch (ArgumentException ex)
        {
            error.WriteLine(ex.Message);
            return RunCommand.BadInput;
        }
        if (parsed.Command == "schema")
        {
            return await SchemaCommand.ExecuteAsync(parsed, output, error, CancellationToken.None);
        }
        var engine = settings.EngineOptions();
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
                if (!parsed.Has("cluster"))
                {
                    return await RunCommand.ExecuteAsync(parsed, Open, engine, output, error, cts.Token);
                }
                await using var cluster = await Cluster.CliCluster.ConnectAsync(error, cts.Token);
                return cluster is null
                    ? RunCommand.BadInput
                    : await RunCommand.ExecuteAsync(parsed, Open, engine with { ClientRunner = cluster }, output, error, cts.Token);
            }
            if (parsed.Command == "study")
            {
                return await StudyCommand.ExecuteAsync(parsed, Open, engine, output, error, cts.Token);
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
                "export-model" => await ExportModelCommand.ExecuteAsync(parsed, database, output, error, cts.Token),
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
