using System.Globalization;
using FedLab.Data;
using FedLab.Engine.Federation;

namespace FedLab.Web.Cli;

/// <summary>
/// <c>resume --run &lt;id&gt; [--out results.json]</c>: continues an interrupted, cancelled or failed run from the
/// checkpoint after its last recorded round, recording into the same run. Refuses, changing nothing, when
/// there is nothing to resume.
/// </summary>
internal static class ResumeCommand
{
    public static async Task<int> ExecuteAsync(CliArguments args, CliDatabase database, EngineOptions engine, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (args.Get("run") is not string text)
        {
            error.WriteLine("usage: resume --run <run id> [--out <results.json>]   (`runs` lists run ids)");
            return RunCommand.BadInput;
        }
        if (!Guid.TryParse(text, out var runId))
        {
            error.WriteLine($"--run: '{text}' is not a run id (`runs` lists them)");
            return RunCommand.BadInput;
        }
        try
        {
            var plan = await database.Launcher.PlanResumeAsync(runId, ct);
            output.WriteLine(plan.CheckpointPath is null
                ? $"resuming run {runId} ({RunStatusNames.Name(plan.Status)}, no round completed) from the start"
                : $"resuming run {runId} ({RunStatusNames.Name(plan.Status)}) after round {plan.CheckpointRound} of {plan.TotalRounds}");
            var recorded = await database.Launcher.ResumeAsync(runId, engine, new ConsoleRoundPrinter(output), ct);
            // The printer only saw this execution's rounds; the database has the whole run.
            if (await database.Store.GetRunSummaryAsync(runId, CancellationToken.None) is { } run)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"run {runId}, all {run.RoundsDone} rounds: {RunStatusNames.Name(run.Status)}, best acc {run.BestAccuracy:F4}, final acc {run.FinalAccuracy:F4}, {run.MbUp:F2} MB up, {run.MbDown:F2} MB down, {run.ClientTflops:F3} client TFLOP"));
            }
            return await RunCommand.FinishAsync(recorded, args.Get("out"), output, error);
        }
        catch (ResumeRefusedException ex)
        {
            error.WriteLine($"cannot resume: {ex.Message}");
            return RunCommand.BadInput;
        }
    }
}
