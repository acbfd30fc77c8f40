using System.Diagnostics;
using FedLab.Tests.Shared;

namespace FedLab.Web.Tests.Cli;

/// <summary>
/// The headless run on special dataset files (issue #10, item 7): a FIFO used to hang for good and a 2 GB sparse
/// file ended in "Out of memory." (exit 134); both are refused quickly, before reading, with exit code 2.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Process)]
public sealed class SpecialDatasetFileTests
{
    private static readonly TimeSpan Quickly = TimeSpan.FromSeconds(60);

    private static string Spec(string folder, string dataset)
    {
        var path = Path.Combine(folder, "spec.json");
        File.WriteAllText(path, $$"""
            { "name": "special", "model": "tiny", "dataset": { "name": "{{dataset}}", "maxTokens": 24 },
              "partition": { "kind": "iid", "clients": 2 }, "framework": "fedllm",
              "fineTune": { "lora": { "rank": 2, "alpha": 4 } },
              "training": { "rounds": 1, "localSteps": 1, "batchSize": 8 }, "seed": 3 }
            """);
        return path;
    }

    [Fact]
    public async Task Fifo_IsRefused_ExitTwo()
    {
        var folder = Directory.CreateTempSubdirectory("fedlab-fifo-").FullName;
        try
        {
            var fifo = Path.Combine(folder, "pipe.csv");
            using (var mkfifo = Process.Start("mkfifo", [fifo]))
            {
                await mkfifo.WaitForExitAsync();
                Assert.Equal(0, mkfifo.ExitCode);
            }
            using var cli = new CliProcess("run", "--config", Spec(folder, fifo));
            Assert.Equal(2, await cli.WaitAsync(Quickly));
            Assert.Contains("dataset.name: ", cli.Stderr, StringComparison.Ordinal);
            Assert.Contains("not a regular file", cli.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", cli.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task HugeSparseFile_IsRefusedBeforeReading_ExitTwo()
    {
        var folder = Directory.CreateTempSubdirectory("fedlab-sparse-").FullName;
        try
        {
            var huge = Path.Combine(folder, "huge.csv");
            using (var file = new FileStream(huge, FileMode.CreateNew))
            {
                file.SetLength(2L << 30); // 2 GB of holes: no disk used
            }
            var clock = Stopwatch.StartNew();
            using var cli = new CliProcess("run", "--config", Spec(folder, huge));
            Assert.Equal(2, await cli.WaitAsync(Quickly));
            Assert.Contains("FedLab:MaxUploadBytes", cli.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Out of memory", cli.Stderr + cli.Stdout, StringComparison.Ordinal);
            Assert.InRange(clock.Elapsed, TimeSpan.Zero, Quickly);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
