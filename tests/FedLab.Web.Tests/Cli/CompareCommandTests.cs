using System.Text.Json;
using FedLab.Engine.Federation;
using FedLab.Engine.Models;
using FedLab.Web.Cli;

namespace FedLab.Web.Tests.Cli;

public sealed class CompareCommandTests : IDisposable
{
    private const string Comparison = """
        {
          "name": "tiny",
          "base": {
            "model": "tiny",
            "dataset": { "name": "spam", "maxTokens": 16, "trainLimit": 60, "testLimit": 20 },
            "partition": { "kind": "iid", "clients": 2 },
            "framework": "fedllm",
            "training": { "rounds": 1, "localSteps": 1, "batchSize": 8 },
            "seed": 3
          },
          "runs": [
            { "label": "fed", "framework": "fedllm" },
            { "label": "kd, top-1", "framework": "kd", "kd": { "publicSize": 16, "topK": 1, "distillationSteps": 1 } },
            { "label": "split", "framework": "split", "split": { "cutLayer": 1 } }
          ]
        }
        """;

    private static readonly EngineOptions Engine = new() { Models = new ModelStore(cacheDirectory: Path.Combine(AppContext.BaseDirectory, "model-cache")) };
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fedlab-compare-" + Guid.NewGuid().ToString("N"));

    public CompareCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(int Code, string Output, string Error)> Run(CancellationToken ct, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var settings = new FedLabSettings { DataDirectory = Path.Combine(_dir, ".fedlab") };
        int code = await CompareCommand.ExecuteAsync(CliArguments.Parse(["compare", .. args], ["config", "out"]),
            _ => CliDatabase.OpenAsync(settings, error, CancellationToken.None), Engine, output, error, ct);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task RunsEveryFramework_PrintsTheTable_AndWritesCsvAndJson()
    {
        var config = Path.Combine(_dir, "c.json");
        await File.WriteAllTextAsync(config, Comparison);
        var csv = Path.Combine(_dir, "out.csv");
        var (code, output, error) = await Run(CancellationToken.None, "--config", config, "--out", csv);
        Assert.True(code == RunCommand.Ok, error + output);
        Assert.Contains("best acc", output, StringComparison.Ordinal);
        Assert.Contains("[kd, top-1] round   1/1", output, StringComparison.Ordinal);
        var lines = await File.ReadAllLinesAsync(csv);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("label,framework,variant,status,rounds,clients,best_accuracy,final_accuracy", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("\"kd, top-1\",kd,", lines[2], StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "out.json")));
        var runs = json.RootElement.GetProperty("runs");
        Assert.Equal(3, runs.GetArrayLength());
        Assert.Equal(2, runs[1].GetProperty("rounds").GetArrayLength()); // round 0 and round 1
        Assert.True(runs[1].GetProperty("rounds")[1].GetProperty("clientAccuracyMean").GetDouble() >= 0);

        // The comparison is recorded as one experiment of three finished runs, for the dashboard.
        await using var database = await CliDatabase.OpenAsync(new FedLabSettings { DataDirectory = Path.Combine(_dir, ".fedlab") }, TextWriter.Null, CancellationToken.None);
        var page = await database.Store.ListRunsAsync(new FedLab.Data.RunListQuery(), CancellationToken.None);
        Assert.Equal(3, page.Total);
        Assert.Single(page.Items.Select(r => r.ExperimentId).Distinct());
        Assert.All(page.Items, r => Assert.Equal(FedLab.Engine.Runs.RunStatus.Finished, r.Status));
    }

    [Fact]
    public async Task AnInvalidComparison_StartsNothing_AndListsEveryProblem()
    {
        var config = Path.Combine(_dir, "bad.json");
        await File.WriteAllTextAsync(config, Comparison.Replace("\"topK\": 1", "\"topK\": 4", StringComparison.Ordinal).Replace("\"cutLayer\": 1", "\"cutLayer\": 0", StringComparison.Ordinal));
        var (code, output, error) = await Run(CancellationToken.None, "--config", config);
        Assert.Equal(RunCommand.BadInput, code);
        Assert.Contains("2 problems); nothing was started", error, StringComparison.Ordinal);
        Assert.Contains("runs[1].kd.topK: must be between 1 and the number of classes (2 in spam), got 4", error, StringComparison.Ordinal);
        Assert.Contains("runs[2].split.cutLayer", error, StringComparison.Ordinal);
        Assert.DoesNotContain("round", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal); // no stack traces
    }

    [Fact]
    public async Task OutMustBeACsv()
    {
        var (code, _, error) = await Run(CancellationToken.None, "--config", "x.json", "--out", "table.json");
        Assert.Equal(RunCommand.BadInput, code);
        Assert.Contains("--out must name a .csv file", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_StopsAndSaysWhatWasSkipped()
    {
        var config = Path.Combine(_dir, "c.json");
        await File.WriteAllTextAsync(config, Comparison);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var (code, output, _) = await Run(cts.Token, "--config", config);
        Assert.Equal(RunCommand.Cancelled, code);
        Assert.Contains("skipped after cancellation: fed, kd, top-1, split", output, StringComparison.Ordinal);
    }
}
