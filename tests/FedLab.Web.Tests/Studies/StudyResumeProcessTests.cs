using System.Diagnostics;
using FedLab.Tests.Shared;
using FedLab.Web.Tests.Cli;

namespace FedLab.Web.Tests.Studies;

/// <summary>A study whose process is killed mid-way resumes and ends with the same results as an uninterrupted one.</summary>
[Trait(TestCategories.Key, TestCategories.Process)]
public sealed class StudyResumeProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(6);

    private const string Study = """
        {
          "name": "resume",
          "base": {
            "model": "tiny",
            "dataset": { "name": "spam", "maxTokens": 16, "trainLimit": 80, "testLimit": 30 },
            "partition": { "kind": "dirichlet", "clients": 2, "alpha": 1.0 },
            "framework": "fedllm",
            "fineTune": { "lora": { "rank": 2, "alpha": 4 } },
            "training": { "rounds": 4, "localSteps": 2, "batchSize": 8 },
            "seed": 1
          },
          "frameworks": ["fedllm", { "framework": "split", "split": { "cutLayer": 1 } }],
          "axes": [{ "path": "partition.alpha", "values": [0.5, 5.0], "frameworks": ["fedllm"] }],
          "seeds": [1, 2],
          "targetAccuracy": 0.5
        }
        """;

    // Simulated time derives from measured server seconds, so only the columns computed from stored accuracy,
    // bytes and analytic FLOPs must be identical; they are, to the last bit ("R" formatting).
    private static readonly string[] DeterministicColumns =
        ["framework", "label", "partition.alpha", "seeds", "seeds_finished", "target", "reached", "best_accuracy_mean", "best_accuracy_ci95",
         "final_accuracy_mean", "final_accuracy_ci95", "total_mb_mean", "total_mb_ci95", "client_tflops_mean", "client_tflops_ci95",
         "mb_to_target_mean", "tflops_to_target_mean", "rounds_to_target_mean"];

    private static Dictionary<string, string> Env(string data) => new()
    {
        ["FEDLAB__DATADIRECTORY"] = data,
        ["FEDLAB__ENGINETHREADS"] = "1",
    };

    private static IReadOnlyList<string> Deterministic(string csvPath)
    {
        var lines = File.ReadAllLines(csvPath);
        var header = lines[0].Split(',');
        var keep = DeterministicColumns.Select(c => Array.IndexOf(header, c)).ToArray();
        Assert.DoesNotContain(-1, keep);
        return [.. lines.Select(l => string.Join(',', keep.Select(i => l.Split(',')[i])))];
    }

    [Fact]
    public async Task KilledStudy_ResumesToTheResultsOfAnUninterruptedOne()
    {
        var folder = Directory.CreateTempSubdirectory("fedlab-study-resume-").FullName;
        try
        {
            var config = Path.Combine(folder, "study.json");
            await File.WriteAllTextAsync(config, Study);

            var straightOut = Path.Combine(folder, "straight");
            using (var straight = new CliProcess(Env(Path.Combine(folder, "data-a")), "study", "--config", config, "--out", straightOut))
            {
                Assert.True(await straight.WaitAsync(Timeout) == 0, straight.Stdout + straight.Stderr);
            }

            var data = Path.Combine(folder, "data-b");
            var resumedOut = Path.Combine(folder, "resumed");
            using (var first = new CliProcess(Env(data), "study", "--config", config, "--out", resumedOut))
            {
                // Killed (SIGKILL: no clean-up) as soon as the first run is done, while the second one is under way.
                await first.WaitForOutputAsync("] 1/6 runs", Timeout);
                using var kill = Process.Start("kill", ["-KILL", first.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
                Assert.NotEqual(0, await first.WaitAsync(Timeout));
                Assert.DoesNotContain("6/6 runs", first.Stdout, StringComparison.Ordinal);
            }
            using (var second = new CliProcess(Env(data), "study", "--config", config, "--out", resumedOut))
            {
                Assert.True(await second.WaitAsync(Timeout) == 0, second.Stdout + second.Stderr);
                Assert.Contains("resuming study", second.Stdout, StringComparison.Ordinal);
                Assert.Contains("1 already finished", second.Stdout, StringComparison.Ordinal);
                Assert.Contains("6 of 6 runs finished", second.Stdout, StringComparison.Ordinal);
            }

            Assert.Equal(Deterministic(Path.Combine(straightOut, "summary.csv")), Deterministic(Path.Combine(resumedOut, "summary.csv")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
