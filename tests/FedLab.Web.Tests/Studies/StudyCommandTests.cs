using FedLab.Engine.Federation;
using FedLab.Engine.Models;
using FedLab.Tests.Shared;
using FedLab.Web.Cli;
using FedLab.Web.Tests.Infrastructure;

namespace FedLab.Web.Tests.Studies;

/// <summary>The <c>study</c> command in process: refusal before anything starts, and the bundled tiny study end to end.</summary>
public sealed class StudyCommandTests : IDisposable
{
    private static readonly EngineOptions Engine = new() { Threads = 2, Models = new ModelStore(cacheDirectory: Path.Combine(AppContext.BaseDirectory, "model-cache")) };
    private readonly string _dir = Directory.CreateTempSubdirectory("fedlab-study-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var settings = new FedLabSettings { DataDirectory = Path.Combine(_dir, ".fedlab") };
        int code = await StudyCommand.ExecuteAsync(CliArguments.Parse(["study", .. args], ["config", "out", "profile"], ["rerun-failed", "png-300dpi"], []),
            _ => CliDatabase.OpenAsync(settings, error, CancellationToken.None), Engine, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    private async Task<int> RunsInDatabase()
    {
        var settings = new FedLabSettings { DataDirectory = Path.Combine(_dir, ".fedlab") };
        await using var db = await CliDatabase.OpenAsync(settings, TextWriter.Null, CancellationToken.None);
        return (await db.Store.ListRunsAsync(new Data.RunListQuery(), CancellationToken.None)).Total;
    }

    [Fact]
    public async Task AnAxisValueInvalidForOneFramework_IsRefusedNamingIt_AndNothingStarts()
    {
        var example = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "examples", "study-tiny.json"));
        var config = Path.Combine(_dir, "bad.json");
        await File.WriteAllTextAsync(config, example.Replace("\"values\": [1, 3]", "\"values\": [1, 7]", StringComparison.Ordinal));
        var outDir = Path.Combine(_dir, "out");
        var (code, output, error) = await Run("--config", config, "--out", outDir);
        Assert.Equal(RunCommand.BadInput, code);
        Assert.Contains("axes[1].values[1]: split.cutLayer=7 with Split-FedLLM", error, StringComparison.Ordinal);
        Assert.Contains("nothing was started", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Equal("", output);
        Assert.False(Directory.Exists(outDir));
        Assert.Equal(0, await RunsInDatabase());
    }

    [Fact]
    public async Task ABadProfile_IsRefusedAtItsField()
    {
        var (code, _, error) = await Run("--config", Path.Combine(RepoPaths.Root, "examples", "study-tiny.json"), "--out", Path.Combine(_dir, "o"), "--profile", "upMbps=-1");
        Assert.Equal(RunCommand.BadInput, code);
        Assert.Contains("--profile.upMbps: must be a positive number", error, StringComparison.Ordinal);
    }

    [Fact]
    [Trait(TestCategories.Key, TestCategories.Process)]
    public async Task TheBundledTinyStudy_Runs_PrintsTheTableWithIntervals_AndWritesFiguresTablesAndReport()
    {
        var outDir = Path.Combine(_dir, "tiny");
        var (code, output, error) = await Run("--config", Path.Combine(RepoPaths.Root, "examples", "study-tiny.json"), "--out", outDir, "--profile", "phone-4g");
        Assert.True(code == RunCommand.Ok, error + output);
        Assert.Contains("24/24 runs", output, StringComparison.Ordinal);
        Assert.Contains("] 1/24 runs", output, StringComparison.Ordinal);
        Assert.Contains("24 of 24 runs finished", output, StringComparison.Ordinal);
        Assert.Matches(@"Split-FedLLM\s+alpha=0.3, cutLayer=3\s+3/3\s+0\.\d{3} ± 0\.\d{3}", output);
        Assert.Contains("crossovers", output, StringComparison.Ordinal);

        var figures = Path.Combine(outDir, "figures");
        foreach (var name in new[] { "accuracy", "pareto-mb", "pareto-tflops", "pareto-time", "axis-cutLayer-accuracy", "bandwidth-phone-4g-alpha_0.3" })
        {
            Assert.StartsWith("<svg", await File.ReadAllTextAsync(Path.Combine(figures, name + ".svg")), StringComparison.Ordinal);
            var png = await File.ReadAllBytesAsync(Path.Combine(figures, name + ".png"));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        }
        var csv = await File.ReadAllLinesAsync(Path.Combine(outDir, "summary.csv"));
        Assert.Equal(1 + 8, csv.Length); // 2 FedLLM + 2 KD + 4 split configurations
        Assert.StartsWith("framework,label,partition.alpha,split.cutLayer,seeds,seeds_finished,target,reached,best_accuracy_mean,best_accuracy_ci95,best_accuracy_n", csv[0], StringComparison.Ordinal);
        var tex = await File.ReadAllTextAsync(Path.Combine(outDir, "summary.tex"));
        Assert.Contains("\\toprule", tex, StringComparison.Ordinal);
        Assert.Contains("$\\pm$", tex, StringComparison.Ordinal);
        var html = await File.ReadAllTextAsync(Path.Combine(outDir, "report.html"));
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("phone-4g", html, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(outDir, "report.md")));

        // The same command again: everything is finished, nothing runs again, the same table comes out.
        var (again, output2, _) = await Run("--config", Path.Combine(RepoPaths.Root, "examples", "study-tiny.json"), "--out", outDir, "--profile", "phone-4g");
        Assert.Equal(RunCommand.Ok, again);
        Assert.Contains("24 already finished", output2, StringComparison.Ordinal);
        Assert.DoesNotContain("runs ·", output2, StringComparison.Ordinal);
        Assert.Equal(24, await RunsInDatabase());
    }
}
