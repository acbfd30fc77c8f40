using System.Globalization;
using FedLab.Data;
using FedLab.Engine.Runs;

namespace FedLab.Web.Cli;

/// <summary><c>runs [--limit n] [--status s] [--framework f] [--text t] [--json]</c>: the most recent runs in the database, as a table or JSON.</summary>
internal static class RunsCommand
{
    public static async Task<int> ExecuteAsync(CliArguments args, CliDatabase database, TextWriter output, TextWriter error, CancellationToken ct)
    {
        int limit = 20;
        if (args.Get("limit") is string text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > RunListQuery.MaxPageSize))
        {
            error.WriteLine($"--limit must be a whole number from 1 to {RunListQuery.MaxPageSize}, got '{text}'");
            return RunCommand.BadInput;
        }
        RunStatus? status = null;
        if (args.Get("status") is string s)
        {
            if (!RunStatusNames.TryParse(s, out var parsed))
            {
                error.WriteLine($"--status must be one of {string.Join(", ", RunStatusNames.All)}, got '{s}'");
                return RunCommand.BadInput;
            }
            status = parsed;
        }
        var page = await database.Store.ListRunsAsync(new RunListQuery
        {
            PageSize = limit,
            Status = status,
            Framework = args.Get("framework"),
            Text = args.Get("text"),
        }, ct);
        if (args.Has("json"))
        {
            // The REST API's list page, so scripts read the same fields either way (status names in lower case).
            output.WriteLine(System.Text.Json.JsonSerializer.Serialize(page, RunSpecJson.OutputOptions));
            return RunCommand.Ok;
        }
        if (page.Total == 0)
        {
            bool filtered = status is not null || args.Get("framework") is not null || args.Get("text") is not null;
            output.WriteLine(filtered ? "no run matches" : $"no runs in {database.Settings.DatabasePath}");
            return RunCommand.Ok;
        }
        output.WriteLine($"{"id",-36}  {"created (UTC)",-16}  {"name",-28}  {"framework",-11}  {"status",-11}  {"rounds",9}  {"best acc",8}  {"final acc",9}");
        foreach (var r in page.Items)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Id:D}  {r.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm}  {Fit(TerminalText.Safe(r.Name), 28),-28}  {r.Framework,-11}  {RunStatusNames.Name(r.Status),-11}  {$"{r.RoundsDone}/{r.TotalRounds}",9}  {Acc(r.BestAccuracy),8}  {Acc(r.FinalAccuracy),9}{(r.AccuracyMetric == AccuracyMetrics.Accuracy ? "" : "  (" + r.AccuracyMetric + ")")}"));
        }
        if (page.Total > page.Items.Count)
        {
            output.WriteLine($"({page.Items.Count} most recent of {page.Total}; --limit shows more)");
        }
        return RunCommand.Ok;
    }

    private static string Acc(double? value) => value is double v ? v.ToString("F4", CultureInfo.InvariantCulture) : "-";

    private static string Fit(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
