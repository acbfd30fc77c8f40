using System.Text.Json;
using FedLab.Data;
using FedLab.Engine.Federation;
using FedLab.Engine.Runs;
using FedLab.Tests.Shared;
using FedLab.Web.Cli;
using FedLab.Web.Tests.Infrastructure;

namespace FedLab.Web.Tests.Cli;

/// <summary>Issue #10 item 4: the CLI's results file carries a diverged run's NaN, and an unwritable --out is refused before training.</summary>
public sealed class DivergedOutputTests
{
    [Fact]
    public async Task DivergedRun_ResultsFile_IsWritten_WithNaNAsAString()
    {
        // A real divergence (an aggregator wrapper that scales the update by +∞), written by the run command's own writer.
        var engine = new EngineOptions { Models = TestApp.Models, AggregatorWrappers = [new ScaledUpdateWrapping(double.PositiveInfinity)] };
        var spec = RunSpecJson.Parse(TinySpecs.Json(rounds: 3, clients: 2));
        var result = new RunExecutor(engine).Execute(Guid.NewGuid(), spec, new NullSink(), CancellationToken.None);
        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.StartsWith("diverged:", result.Error);

        var folder = Directory.CreateTempSubdirectory("fedlab-out-").FullName;
        var path = Path.Combine(folder, "results.json");
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await RunCommand.FinishAsync(new RecordedRun(result, 0, null), path, output, error);

        Assert.Equal(RunCommand.Failed, exit);
        Assert.Contains($"metrics written to {path}", output.ToString(), StringComparison.Ordinal);
        Assert.Equal("", error.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var rounds = json.RootElement.GetProperty("rounds");
        Assert.Equal(2, rounds.GetArrayLength());
        Assert.Equal("NaN", rounds[1].GetProperty("global").GetProperty("loss").GetString());
        Assert.StartsWith("diverged:", json.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task OutInAMissingFolder_ExitsTwo_BeforeAnythingIsRecorded()
    {
        var folder = Directory.CreateTempSubdirectory("fedlab-out-").FullName;
        var spec = Path.Combine(folder, "spec.json");
        File.WriteAllText(spec, TinySpecs.Json(rounds: 1, clients: 2));
        var data = Path.Combine(folder, "data");
        var output = Path.Combine(folder, "no-such-folder", "results.json");
        using var cli = new CliProcess(new Dictionary<string, string> { ["FEDLAB__DATADIRECTORY"] = data }, "run", "--config", spec, "--out", output);

        Assert.Equal(RunCommand.BadInput, await cli.WaitAsync(TimeSpan.FromMinutes(2)));
        Assert.Contains("--out", cli.Stderr, StringComparison.Ordinal);
        Assert.Contains("does not exist", cli.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", cli.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("recorded in", cli.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(data, "fedlab.db")));
    }

    private sealed class NullSink : IRunEventSink
    {
        public void Publish(RunEvent runEvent)
        {
        }
    }
}
