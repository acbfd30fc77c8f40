using System.Text.Json.Nodes;
using FedLab.Tests.Shared;
using FedLab.Web.Tests.Cli;
using FedLab.Web.Tests.Infrastructure;

namespace FedLab.Web.Tests.Api;

/// <summary>A run started from the CLI appears in the dashboard (they share the database) and is not taken for dead.</summary>
[Trait(TestCategories.Key, TestCategories.Process)]
public sealed class CliRunVisibilityTests
{
    [Fact]
    public async Task CliRun_IsListedWhileRunning_AndFinishedAfterwards()
    {
        var folder = Directory.CreateTempSubdirectory("fedlab-cli-spec-").FullName;
        var spec = Path.Combine(folder, "spec.json");
        await File.WriteAllTextAsync(spec, TinySpecs.Json(rounds: 12, name: "from the cli"));
        using var cli = new CliProcess("run", "--config", spec);
        await cli.WaitForOutputAsync("round   1/", TimeSpan.FromMinutes(2));

        // The dashboard starts on the CLI's data folder while the CLI trains.
        await using var app = await TestApp.StartAsync("--FedLab:DataDirectory=" + Path.Combine(cli.WorkingDirectory, ".fedlab"));
        var page = await (await app.Http.GetAsync("api/runs?text=from%20the%20cli")).JsonAsync();
        var row = Assert.Single(page["items"]!.AsArray())!;
        var id = row["id"]!.GetValue<Guid>();
        Assert.Contains(row["status"]!.GetValue<string>(), (string[])["running", "finished"]);

        Assert.Equal(0, await cli.WaitAsync(TimeSpan.FromMinutes(3)));
        var run = await app.Http.WaitForStatusAsync(id, "finished", TimeSpan.FromSeconds(30));
        Assert.Equal(13, run["rounds"]!.AsArray().Count);
        Directory.Delete(folder, recursive: true);
    }
}
