using FedLab.Engine.Runs;

namespace FedLab.Web.Cli;

/// <summary><c>schema [--out file]</c>: the run spec's JSON Schema (what schemas/run-spec.schema.json holds), to stdout or a file.</summary>
internal static class SchemaCommand
{
    public static async Task<int> ExecuteAsync(CliArguments args, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var text = RunSpecSchema.GenerateText();
        if (args.Get("out") is not string path)
        {
            output.Write(text);
            return RunCommand.Ok;
        }
        if (OutputFileCheck.Problem(path) is string problem)
        {
            error.WriteLine($"--out: {problem}");
            return RunCommand.BadInput;
        }
        await File.WriteAllTextAsync(path, text, ct);
        output.WriteLine($"run spec schema written to {path}");
        return RunCommand.Ok;
    }
}
