using FedLab.Data;

namespace FedLab.Web.Cli;

/// <summary>
/// <c>export --runs &lt;id,id,...&gt; --out file.csv|file.json [--rows rounds|clients]</c>: one CSV row per run and round (or per
/// run, round and client with <c>--rows clients</c>), or everything as JSON.
/// </summary>
internal static class ExportCommand
{
    public static async Task<int> ExecuteAsync(CliArguments args, CliDatabase database, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (args.Get("runs") is not string list || args.Get("out") is not string outPath)
        {
            error.WriteLine("usage: export --runs <id,id,...> --out <file.csv|file.json> [--rows rounds|clients]");
            return RunCommand.BadInput;
        }
        var ids = new List<Guid>();
        foreach (var part in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Guid.TryParse(part, out var id))
            {
                error.WriteLine($"--runs: '{part}' is not a run id (`runs` lists them)");
                return RunCommand.BadInput;
            }
            ids.Add(id);
        }
        if (ids.Count == 0)
        {
            error.WriteLine("--runs: name at least one run id");
            return RunCommand.BadInput;
        }
        var rows = args.Get("rows") ?? "rounds";
        if (rows is not ("rounds" or "clients"))
        {
            error.WriteLine($"--rows: must be rounds (a CSV row per round) or clients (a CSV row per client round), got '{rows}'");
            return RunCommand.BadInput;
        }
        var extension = Path.GetExtension(outPath).ToLowerInvariant();
        if (extension is not (".csv" or ".json"))
        {
            error.WriteLine($"--out: the file must end in .csv or .json, got '{outPath}'");
            return RunCommand.BadInput;
        }
        // Written beside and renamed, so a failed export leaves no half file behind.
        var temp = outPath + ".partial";
        try
        {
            await using (var stream = File.Create(temp))
            {
                if (extension == ".csv" && rows == "clients")
                {
                    await database.Store.ExportClientCsvAsync(ids, stream, ct);
                }
                else if (extension == ".csv")
                {
                    await database.Store.ExportCsvAsync(ids, stream, ct);
                }
                else
                {
                    await database.Store.ExportJsonAsync(ids, stream, ct);
                }
            }
            File.Move(temp, outPath, overwrite: true);
        }
        catch (KeyNotFoundException ex)
        {
            error.WriteLine($"nothing exported: {ex.Message}");
            return RunCommand.BadInput;
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
        output.WriteLine($"{ids.Distinct().Count()} run(s) exported to {outPath}");
        return RunCommand.Ok;
    }
}
