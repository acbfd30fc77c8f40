using System.Text.Json;
using FedLab.Engine.Federation;
using FedLab.Engine.Runs;

namespace FedLab.Web.Cli;

/// <summary>
/// <c>run --config spec.json [--out results.json]</c>: validates the spec (every problem listed, nothing
/// started if any), runs it on a dedicated thread, prints one line per round, honours Ctrl+C as a clean
/// cancel, and writes every metric as JSON. Exit codes: 0 finished, 1 failed, 2 bad input, 130 cancelled.
/// </summary>
internal static class RunCommand
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;
    public const int Cancelled = 130;

    public static async Task<int> ExecuteAsync(CliArguments args, EngineOptions engine, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var configPath = args.Get("config");
        if (configPath is null)
        {
            error.WriteLine("usage: run --config <spec.json> [--out <results.json>]");
            return BadInput;
        }
        RunSpec spec;
        try
        {
            spec = RunSpecJson.ParseAndValidate(ReadSpec(configPath));
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

        var outPath = args.Get("out");
        RunResult result;
        try
        {
            var executor = new RunExecutor(engine);
            result = await executor.StartOnDedicatedThread(Guid.NewGuid(), spec, new ConsoleRoundPrinter(output), ct);
        }
        catch (RunSpecException ex)
        {
            WriteErrors(error, configPath, ex.Errors);
            return BadInput;
        }
        if (outPath is not null)
        {
            await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(result, RunSpecJson.Options), CancellationToken.None);
            output.WriteLine($"metrics written to {outPath}");
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
        return File.ReadAllText(path);
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
