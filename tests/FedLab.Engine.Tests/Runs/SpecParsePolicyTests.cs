using System.IO.Compression;
using System.Text;
using FedLab.Engine.Datasets;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Datasets;

namespace FedLab.Engine.Tests.Runs;

/// <summary>Issue #10 item 11: one parse policy (encoding, comments, string lengths, dataset file names) for every way in.</summary>
public sealed class SpecParsePolicyTests
{
    private static string Spec(string datasetName = "spam") => $$"""
        { "name": "policy", "model": "tiny", "dataset": { "name": "{{datasetName}}", "maxTokens": 24, "trainLimit": 60, "testLimit": 20 },
          "partition": { "kind": "iid", "clients": 2 }, "framework": "fedllm",
          "training": { "rounds": 1, "localSteps": 1, "batchSize": 8 }, "seed": 1 }
        """;

    private static SpecError Refused(Action action) => Assert.Single(Assert.Throws<RunSpecException>(action).Errors);

    [Fact]
    public void Utf8_WithOrWithoutBom_Decodes()
    {
        var bytes = Encoding.UTF8.GetBytes(Spec());
        Assert.Equal(Spec(), RunSpecJson.DecodeUtf8(bytes));
        Assert.Equal(Spec(), RunSpecJson.DecodeUtf8([0xEF, 0xBB, 0xBF, .. bytes]));
        Assert.Equal("{\"name\": \"é–😀\"}", RunSpecJson.DecodeUtf8(Encoding.UTF8.GetBytes("{\"name\": \"é–😀\"}")));
    }

    [Theory]
    [InlineData("utf-16le-bom", "UTF-16")]
    [InlineData("utf-16be-bom", "UTF-16")]
    [InlineData("utf-16le", "NUL byte")]
    [InlineData("utf-32le-bom", "UTF-32")]
    [InlineData("invalid", "not valid UTF-8 (first invalid byte at offset 10)")]
    [InlineData("overlong", "not valid UTF-8")]
    [InlineData("lone-surrogate", "not valid UTF-8")]
    public void OtherEncodings_AreRefused_SayingToSaveAsUtf8(string kind, string message)
    {
        var error = Refused(() => RunSpecJson.DecodeUtf8(Bytes(kind)));
        Assert.Equal("$", error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("save it as UTF-8", error.Message, StringComparison.Ordinal);
    }

    internal static byte[] Bytes(string kind) => kind switch
    {
        "utf-16le-bom" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(Spec())],
        "utf-16be-bom" => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(Spec())],
        "utf-16le" => Encoding.Unicode.GetBytes(Spec()),
        "utf-32le-bom" => [.. Encoding.UTF32.GetPreamble(), .. Encoding.UTF32.GetBytes(Spec())],
        "invalid" => [.. "{\"name\": \""u8, 0xC3, 0x28, .. "\"}"u8],
        "overlong" => [.. "{\"name\": \""u8, 0xC0, 0xAF, .. "\"}"u8],
        "lone-surrogate" => [.. "{\"name\": \""u8, 0xED, 0xA0, 0x80, .. "\"}"u8],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Fact]
    public void Comments_AreAllowed_TrailingCommas_AreNot()
    {
        var commented = "// why this run exists\n" + Spec().Replace("\"seed\": 1", "/* the usual */ \"seed\": 1", StringComparison.Ordinal);
        Assert.Equal(1, RunSpecJson.Parse(commented).Seed);
        var trailing = Spec().Replace("\"seed\": 1 }", "\"seed\": 1, }", StringComparison.Ordinal);
        Assert.Equal("$", Refused(() => RunSpecJson.Parse(trailing)).Field);
    }

    [Theory]
    [InlineData("dataset.name")]
    [InlineData("model")]
    [InlineData("device")]
    [InlineData("framework")]
    [InlineData("fineTune.lora.targets[0]")]
    public void AHugeString_IsRefused_NamingItsField_WithoutEchoingIt(string field)
    {
        var huge = new string('x', 1_000_000);
        var spec = RunSpecJson.Parse(Spec());
        spec = field switch
        {
            "dataset.name" => spec with { Dataset = spec.Dataset with { Name = huge } },
            "model" => spec with { Model = huge },
            "device" => spec with { Device = huge },
            "framework" => spec with { Framework = huge },
            _ => spec with { FineTune = spec.FineTune with { Lora = spec.FineTune.Lora with { Targets = [huge] } } },
        };
        var errors = new RunSpecValidator(() => false).Validate(spec);
        Assert.Contains(errors, e => e.Field == field && e.Message.Contains("characters, got 1000000", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.True(e.Message.Length < 400, $"{e.Field}: {e.Message.Length} characters"));
    }

    [Theory]
    [InlineData("mine.csv.gz")]
    [InlineData("mine.ndjson")]
    [InlineData("mine.jsonl.gz")]
    [InlineData("mine.ndjson.gz")]
    public void CompressedAndNdjsonPaths_Validate_AndLoad(string fileName)
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, fileName);
        WriteDataset(path);
        var spec = RunSpecJson.ParseAndValidate(Spec(path), new RunSpecValidator(() => false));
        var dataset = DatasetCatalog.Load(spec.Dataset.Name, userLimits: DatasetReadLimits.Default);
        Assert.Equal(2, dataset.NumClasses);
        Assert.Equal(80, dataset.Train.Count + dataset.Test.Count + dataset.Public.Count);
    }

    [Fact]
    public void ACompressedPath_IsBoundedByTheHostsLimits_AfterDecompression()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "bomb.csv.gz");
        WriteDataset(path);
        var error = Assert.Throws<DatasetFormatException>(() => DatasetCatalog.Load(path, userLimits: new DatasetReadLimits(1_000, 1_000, 1_000)));
        Assert.Equal(DatasetLimit.Bytes, error.Limit);
    }

    [Fact]
    public void AnUnsupportedPath_SaysWhichNamesWork()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "mine.txt");
        File.WriteAllText(path, "text,label\n");
        var errors = new RunSpecValidator(() => false).Validate(RunSpecJson.Parse(Spec(path)));
        Assert.Contains(errors, e => e.Field == "dataset.name" && e.Message.Contains(".csv.gz", StringComparison.Ordinal) && e.Message.Contains(".ndjson", StringComparison.Ordinal));
    }

    private static void WriteDataset(string path)
    {
        bool json = path.Contains("json", StringComparison.Ordinal);
        var text = new StringBuilder(json ? "" : "text,label\n");
        for (int i = 0; i < 80; i++)
        {
            string label = i % 2 == 0 ? "ham" : "spam";
            text.Append(json ? $"{{\"text\": \"message number {i} about {label}\", \"label\": \"{label}\"}}\n" : $"message number {i} about {label},{label}\n");
        }
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        if (path.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var file = File.Create(path);
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            gzip.Write(bytes);
        }
        else
        {
            File.WriteAllBytes(path, bytes);
        }
    }
}
