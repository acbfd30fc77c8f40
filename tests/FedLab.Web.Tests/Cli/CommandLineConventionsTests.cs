using FedLab.Web.Cli;

namespace FedLab.Web.Tests.Cli;

/// <summary>The command line behaves as command lines do: help per command, a version, and a typo is an error with a suggestion.</summary>
public sealed class CommandLineConventionsTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await CommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("rn")]
    [InlineData("exprot")]
    [InlineData("compre")]
    public async Task ATypo_IsAnError_WithTheNearestCommand_AndNeverStartsTheDashboard(string typo)
    {
        Assert.True(CommandLine.IsCommand([typo, "--config", "x.json"]));
        var (code, _, err) = await RunAsync(typo, "--config", "x.json");
        Assert.Equal(RunCommand.BadInput, code);
        Assert.Contains($"unknown command '{typo}'; did you mean '", err, StringComparison.Ordinal);
        Assert.Equal(typo switch { "rn" => "run", "exprot" => "export", _ => "compare" }, CommandLine.Suggest(typo));
    }

    [Fact]
    public void TheDashboardsOwnArguments_StillStartTheDashboard()
    {
        Assert.False(CommandLine.IsCommand([]));
        Assert.False(CommandLine.IsCommand(["--urls", "http://127.0.0.1:5001"]));
        Assert.False(CommandLine.IsCommand(["urls=http://127.0.0.1:5001"]));
    }

    [Theory]
    [InlineData("run", "run --config <spec.json>")]
    [InlineData("export-model", "export-model --run <id> --out <dir>")]
    [InlineData("export", "export --runs <id,id,...>")]
    public async Task HelpOnACommand_PrintsItsUsage_AndExitsZero(string command, string usage)
    {
        foreach (var args in new[] { new[] { command, "--help" }, ["help", command], [command, "-h"] })
        {
            var (code, output, err) = await RunAsync(args);
            Assert.Equal(0, code);
            Assert.StartsWith(usage, output, StringComparison.Ordinal);
            Assert.Equal("", err);
        }
        var (_, exportOnly, _) = await RunAsync("export", "--help");
        Assert.DoesNotContain("export-model", exportOnly, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_PrintsTheEngineVersion()
    {
        var (code, output, _) = await RunAsync("--version");
        Assert.Equal(0, code);
        Assert.Equal($"FedLab {FedLab.Engine.Federation.EngineVersion.Current}", output.Trim());
    }
}
