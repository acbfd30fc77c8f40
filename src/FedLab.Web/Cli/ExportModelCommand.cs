using System.Globalization;
using FedLab.Data.Export;
using FedLab.Engine.Export;

namespace FedLab.Web.Cli;

/// <summary>
/// <c>export-model --run &lt;id&gt; --out &lt;dir&gt; [--client &lt;k&gt;]</c>: the run's trained model from its last checkpoint, as a PEFT
/// adapter (LoRA) or a Hugging Face model (full fine-tuning), with the classification head beside it (docs/export.md).
/// </summary>
internal static class ExportModelCommand
{
    public const string UsageLine = "usage: export-model --run <id> --out <dir> [--round last|best|<k>] [--client <k>]";

    public static async Task<int> ExecuteAsync(CliArguments args, CliDatabase database, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (args.Get("run") is not string runText || args.Get("out") is not string outDir)
        {
            error.WriteLine(UsageLine);
            return RunCommand.BadInput;
        }
        if (!Guid.TryParse(runText, out var runId))
        {
            error.WriteLine($"--run: '{runText}' is not a run id (`runs` lists them)");
            return RunCommand.BadInput;
        }
        int? client = null;
        if (args.Get("client") is string clientText)
        {
            if (!int.TryParse(clientText, NumberStyles.None, CultureInfo.InvariantCulture, out int k))
            {
                error.WriteLine($"--client: '{clientText}' is not a client number (0, 1, ...)");
                return RunCommand.BadInput;
            }
            client = k;
        }
        int? round = null;
        if (args.Get("round") is string roundText && roundText != "last")
        {
            if (roundText == "best")
            {
                round = (await database.Store.GetRunSummaryAsync(runId, ct))?.BestRound;
                if (round is null)
                {
                    error.WriteLine($"--round best: run {runId} has no best round yet");
                    return RunCommand.BadInput;
                }
            }
            else if (int.TryParse(roundText, NumberStyles.None, CultureInfo.InvariantCulture, out int k))
            {
                round = k;
            }
            else
            {
                error.WriteLine($"--round: must be last, best or a round number, got '{roundText}'");
                return RunCommand.BadInput;
            }
        }
        if (File.Exists(outDir))
        {
            error.WriteLine($"--out: '{outDir}' is a file; name a folder (created if missing)");
            return RunCommand.BadInput;
        }
        try
        {
            var (files, exported) = await RunModelExport.WriteAsync(database.Store, runId, outDir, client, ct, round);
            output.WriteLine($"round {exported} of run {runId} exported to {outDir}: {string.Join(", ", files.Select(Path.GetFileName))}");
            return RunCommand.Ok;
        }
        catch (Exception ex) when (ex is KeyNotFoundException or ModelExportException)
        {
            error.WriteLine($"nothing exported: {ex.Message}");
            return RunCommand.BadInput;
        }
    }
}
