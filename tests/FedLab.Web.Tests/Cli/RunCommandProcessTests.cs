using FedLab.Tests.Shared;

namespace FedLab.Web.Tests.Cli;

/// <summary>The headless <c>run</c> command as a user types it: exit codes, messages, output file, Ctrl+C.</summary>
[Trait(TestCategories.Key, TestCategories.Process)]
public sealed class RunCommandProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static string WriteSpec(string folder, string json)
    {
        var path = Path.Combine(folder, "spec.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static string TinySpec(int rounds) => $$"""
        { "name": "cli", "model": "tiny", "dataset": { "name": "spam", "maxTokens": 24, "trainLimit": 120, "testLimit": 40 },
          "partition": { "kind": "iid", "clients": 2 }, "framework": "fedllm",
          "fineTune": { "lora": { "rank": 2, "alpha": 4 } },
          "training": { "rounds": {{rounds}}, "localSteps": 2, "batchSize": 8 }, "seed": 3 }
        """;

    [Fact]
    public async Task InvalidSpec_ListsEveryProblem_ExitsTwo_AndWritesNothing()
    {
        var folder = Directory.CreateTempSubdirectory("fedlab-spec-").FullName;
        var spec = WriteSpec(folder, """
            { "model": "gpt-17", "dataset": { "name": "imaginary" }, "partition": { "kind": "iid", "clients": 0 },
              "framework": "fedllm", "training": { "rounds": 1, "localSteps": 1 }, "seed": 1 }
            """);
        var output = Path.Combine(folder, "out.json");
        using var cli = new CliProcess("run", "--config", spec, "--out", output);
        Assert.Equal(2, await cli.WaitAsync(Timeout));
        Assert.Contains("model: unknown model 'gpt-17'", cli.Stderr, StringComparison.Ordinal);
        Assert.Contains("dataset.name: unknown dataset 'imaginary'", cli.Stderr, StringComparison.Ordinal);
        Assert.Contains("partition.clients: must be between 1 and 1000, got 0", cli.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("round", cli.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.DoesNotContain("   at ", cli.Stderr, StringComparison.Ordinal); // no stack traces
    }

    [Fact]
    public async Task MalformedDatasetFile_IsReportedWithItsLine_ExitsTwo()
    {
        var folder = Directory.CreateTempSubdirectory("fedlab-spec-").FullName;
        var csv = Path.Combine(folder, "mine.csv");
        File.WriteAllText(csv, "text,label\nhello there,a\n\"never closed,b\n");
        var spec = WriteSpec(folder, TinySpec(1).Replace("\"name\": \"spam\"", $"\"name\": \"{csv}\"", StringComparison.Ordinal));
        using var cli = new CliProcess("run", "--config", spec);
        Assert.Equal(2, await cli.WaitAsync(Timeout));
        Assert.Contains("dataset.name: line 3", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidSpec_PrintsOneLinePerRound_AndWritesMetricsJson()
    {
        var folder = Directory.CreateTempSubdirectory("fedlab-spec-").FullName;
        var output = Path.Combine(folder, "results.json");
        var data = new Dictionary<string, string> { ["FEDLAB__DATADIRECTORY"] = Path.Combine(folder, "data") };
        using var cli = new CliProcess(data, "run", "--config", WriteSpec(folder, TinySpec(2)), "--out", output);
        Assert.Equal(0, await cli.WaitAsync(Timeout));
        Assert.Contains("round   0/2", cli.Stdout, StringComparison.Ordinal);
        Assert.Contains("round   2/2", cli.Stdout, StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(output));
        Assert.Equal(3, json.RootElement.GetProperty("rounds").GetArrayLength());
        Assert.Equal(4, json.RootElement.GetProperty("clientRounds").GetArrayLength());

        // The trained adapter leaves as PEFT files.
        var runId = json.RootElement.GetProperty("runId").GetString()!;
        var exportDir = Path.Combine(folder, "adapter");
        using var export = new CliProcess(data, "export-model", "--run", runId, "--out", exportDir);
        Assert.True(await export.WaitAsync(Timeout) == 0, export.Stderr);
        Assert.Contains("round 2 of run", export.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(exportDir, "adapter_config.json")), export.Stderr);
        Assert.True(File.Exists(Path.Combine(exportDir, "adapter_model.safetensors")));
        Assert.True(File.Exists(Path.Combine(exportDir, "classification_head.safetensors")));
        using var badClient = new CliProcess(data, "export-model", "--run", runId, "--out", exportDir, "--client", "7");
        Assert.Equal(2, await badClient.WaitAsync(Timeout));
        Assert.Contains("no model of client 7", badClient.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetOverridesSpecFields_AndRunsListsAsJson()
    {
        var folder = Directory.CreateTempSubdirectory("fedlab-spec-").FullName;
        var data = new Dictionary<string, string> { ["FEDLAB__DATADIRECTORY"] = Path.Combine(folder, "data") };
        var spec = WriteSpec(folder, TinySpec(3));

        using (var bad = new CliProcess(data, "run", "--config", spec, "--set", "training.rounds=many"))
        {
            Assert.Equal(2, await bad.WaitAsync(Timeout));
            Assert.Contains("training.rounds", bad.Stderr, StringComparison.Ordinal);
        }
        using (var cli = new CliProcess(data, "run", "--config", spec, "--set", "training.rounds=1", "--set", "name=\"overridden\""))
        {
            Assert.Equal(0, await cli.WaitAsync(Timeout));
            Assert.Contains("round   1/1", cli.Stdout, StringComparison.Ordinal);
        }
        using var list = new CliProcess(data, "runs", "--json");
        Assert.Equal(0, await list.WaitAsync(Timeout));
        using var json = System.Text.Json.JsonDocument.Parse(list.Stdout);
        var run = json.RootElement.GetProperty("items")[0];
        Assert.Equal("overridden", run.GetProperty("name").GetString());
        Assert.Equal("finished", run.GetProperty("status").GetString());
        Assert.Equal(1, run.GetProperty("totalRounds").GetInt32());
    }

    [Fact]
    public async Task InATerminal_AProgressBarRunsWithinEachRound_AndAPipeGetsPlainLines()
    {
        var folder = Directory.CreateTempSubdirectory("fedlab-spec-").FullName;
        var spec = WriteSpec(folder, TinySpec(2));
        var dll = Path.Combine(AppContext.BaseDirectory, "FedLab.Web.dll");
        // util-linux script(1) gives the child a pseudo-terminal, as a user's shell would.
        var start = new System.Diagnostics.ProcessStartInfo("script")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["-qfec", $"dotnet '{dll}' run --config '{spec}'", "/dev/null"])
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["FEDLAB__DATADIRECTORY"] = Path.Combine(folder, "data");
        start.Environment["FEDLAB_CACHE_DIR"] = Path.Combine(AppContext.BaseDirectory, "model-cache");
        using var terminal = System.Diagnostics.Process.Start(start)!;
        var stdout = terminal.StandardOutput.ReadToEndAsync();
        using (var cts = new CancellationTokenSource(Timeout))
        {
            await terminal.WaitForExitAsync(cts.Token);
        }
        var text = await stdout;
        Assert.True(terminal.ExitCode == 0, text);
        Assert.Contains("clients  ETA round", text, StringComparison.Ordinal);
        Assert.Contains("round 1/2 [", text, StringComparison.Ordinal);
        Assert.Contains("round   2/2", text, StringComparison.Ordinal);

        // Redirected (the other tests' CliProcess): lines only.
        using var piped = new CliProcess(new Dictionary<string, string> { ["FEDLAB__DATADIRECTORY"] = Path.Combine(folder, "data") }, "run", "--config", spec);
        Assert.Equal(0, await piped.WaitAsync(Timeout));
        Assert.DoesNotContain("ETA", piped.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", piped.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CtrlC_CancelsCleanly_AfterCompletedRounds()
    {
        var folder = Directory.CreateTempSubdirectory("fedlab-spec-").FullName;
        var output = Path.Combine(folder, "results.json");
        using var cli = new CliProcess("run", "--config", WriteSpec(folder, TinySpec(500)), "--out", output);
        await cli.WaitForOutputAsync("round   1/500", Timeout);
        cli.SendInterrupt();
        Assert.Equal(130, await cli.WaitAsync(Timeout));
        Assert.Contains("cancelled after", cli.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(output), "the completed rounds are still written");
    }
}
