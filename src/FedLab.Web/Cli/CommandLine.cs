using FedLab.Engine.Federation;

namespace FedLab.Web.Cli;

/// <summary>Headless entry points: <c>dotnet run --project src/FedLab.Web -- run --config ...</c>.</summary>
internal static class CommandLine
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "run" or "compare" or "help" or "--help";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args[0] is "help" or "--help")
        {
            output.WriteLine("FedLab commands:\n  run --config <spec.json> [--out <results.json>]   run one spec headless\n  compare --config <compare.json> [--out <t.csv>]   run one base spec under several frameworks; table, CSV and JSON\n  (no arguments)                                     start the dashboard");
            return 0;
        }
        CliArguments parsed;
        try
        {
            parsed = CliArguments.Parse(args, ["config", "out"]);
        }
        catch (ArgumentException ex)
        {
            error.WriteLine(ex.Message);
            return RunCommand.BadInput;
        }
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true; // let the run stop at the next batch boundary and report what completed
            error.WriteLine("cancelling after the current batch...");
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return parsed.Command == "compare"
                ? await CompareCommand.ExecuteAsync(parsed, new EngineOptions(), output, error, cts.Token)
                : await RunCommand.ExecuteAsync(parsed, new EngineOptions(), output, error, cts.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
