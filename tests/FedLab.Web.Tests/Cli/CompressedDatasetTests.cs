using System.IO.Compression;
using System.Text;
using FedLab.Web.Tests.Infrastructure;

namespace FedLab.Web.Tests.Cli;

/// <summary>Issue #10 item 11: a CLI spec may name a .csv.gz or .ndjson file, as an upload may; the run reads it as it is.</summary>
public sealed class CompressedDatasetTests
{
    [Theory]
    [InlineData("mine.csv.gz")]
    [InlineData("mine.ndjson")]
    public async Task ACliSpec_NamingACompressedOrNdjsonFile_RunsEndToEnd(string fileName)
    {
        var folder = Directory.CreateTempSubdirectory("fedlab-gz-").FullName;
        var dataset = Path.Combine(folder, fileName);
        var rows = new StringBuilder(fileName.EndsWith(".csv.gz", StringComparison.Ordinal) ? "text,label\n" : "");
        for (int i = 0; i < 240; i++)
        {
            string label = i % 2 == 0 ? "ham" : "spam";
            rows.Append(fileName.Contains("json", StringComparison.Ordinal)
                ? $"{{\"text\": \"message {i} is {label}\", \"label\": \"{label}\"}}\n"
                : $"message {i} is {label},{label}\n");
        }
        if (fileName.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var file = File.Create(dataset);
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            gzip.Write(Encoding.UTF8.GetBytes(rows.ToString()));
        }
        else
        {
            File.WriteAllText(dataset, rows.ToString());
        }
        var spec = Path.Combine(folder, "spec.json");
        File.WriteAllText(spec, TinySpecs.Json(rounds: 1, clients: 2, dataset: dataset));

        using var cli = new CliProcess(new Dictionary<string, string> { ["FEDLAB__DATADIRECTORY"] = Path.Combine(folder, "data") }, "run", "--config", spec);
        Assert.True(await cli.WaitAsync(TimeSpan.FromMinutes(3)) == 0, cli.Stdout + cli.Stderr);
        Assert.Contains("round   1/1", cli.Stdout, StringComparison.Ordinal);
    }
}
