using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using FedLab.Engine.Datasets;

namespace FedLab.DataImport;

/// <summary>Splits an imported dataset and writes <c>&lt;name&gt;.jsonl.gz</c>; returns its manifest entry.</summary>
internal static class BundleWriter
{
    public const int SplitSeed = 20261124;

    // Readable text in the files (no \u00e9 for é); the files are never embedded in HTML.
    public static readonly JsonWriterOptions JsonOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NewLine = "\n",
    };

    private static readonly string[] SplitNames = ["train", "test", "public"];

    public static JsonObject Write(ImportedDataset dataset, string outDirectory, string command)
    {
        int[] labels = [.. dataset.Examples.Select(e => e.Label)];
        DatasetSplit[] splits = StratifiedSplit.Assign(labels, dataset.ClassNames.Count, SplitSeed);

        // Lines go out in a seeded random order so that any prefix of the file is a fair sample of every split
        // and class; the import order (by group or category) would put whole classes together.
        int[] order = [.. Enumerable.Range(0, labels.Length)];
        new SeededRandom(SplitSeed, stream: 0xF11E).Shuffle(order);

        byte[] jsonl = JsonLines(dataset, splits, order);
        byte[] gz = Gzip(jsonl);
        string file = dataset.Name + ".jsonl.gz";
        Directory.CreateDirectory(outDirectory);
        File.WriteAllBytes(Path.Combine(outDirectory, file), gz);

        var counts = new JsonObject();
        var perClass = new JsonObject();
        for (int s = 0; s < SplitNames.Length; s++)
        {
            var split = (DatasetSplit)s;
            counts[SplitNames[s]] = splits.Count(x => x == split);
            var classCounts = new JsonObject();
            for (int c = 0; c < dataset.ClassNames.Count; c++)
            {
                classCounts[dataset.ClassNames[c]] = Enumerable.Range(0, labels.Length).Count(i => splits[i] == split && labels[i] == c);
            }
            perClass[SplitNames[s]] = classCounts;
        }
        counts["total"] = labels.Length;

        var stats = new JsonObject();
        foreach (var (key, value) in dataset.Stats)
        {
            stats[key] = value;
        }
        return new JsonObject
        {
            ["file"] = file,
            ["sha256"] = Hashing.Sha256Bytes(gz),
            ["contentSha256"] = Hashing.Sha256Bytes(jsonl),
            ["classes"] = new JsonArray([.. dataset.ClassNames.Select(n => JsonValue.Create(n))]),
            ["counts"] = counts,
            ["countsPerClass"] = perClass,
            ["splitSeed"] = SplitSeed,
            ["source"] = new JsonObject
            {
                ["package"] = dataset.Source.Package,
                ["version"] = dataset.Source.Version,
                ["registry"] = dataset.Source.Registry,
                ["licence"] = dataset.Source.Licence,
                ["archive"] = dataset.Source.ArchiveFile,
                ["archiveSha256"] = dataset.Source.ArchiveSha256,
            },
            ["cleaning"] = new JsonArray([.. dataset.Cleaning.Select(n => JsonValue.Create(n))]),
            ["importStats"] = stats,
            ["command"] = command,
        };
    }

    private static byte[] JsonLines(ImportedDataset dataset, DatasetSplit[] splits, int[] order)
    {
        using var buffer = new MemoryStream();
        foreach (int i in order)
        {
            using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
            {
                writer.WriteStartObject();
                writer.WriteString("text", dataset.Examples[i].Text);
                writer.WriteString("label", dataset.ClassNames[dataset.Examples[i].Label]);
                writer.WriteString("split", SplitNames[(int)splits[i]]);
                writer.WriteEndObject();
            }
            buffer.WriteByte((byte)'\n');
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// GZipStream writes no file name and a zero timestamp, so equal input gives equal bytes. The OS byte of the
    /// header depends on the platform zlib was built for; it is set to Unix (3) so Windows builds agree too.
    /// </summary>
    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            gzip.Write(data);
        }
        byte[] bytes = buffer.ToArray();
        if (bytes[4] != 0 || bytes[5] != 0 || bytes[6] != 0 || bytes[7] != 0)
        {
            throw new InvalidOperationException("gzip header carries a timestamp; output would not be reproducible");
        }
        bytes[9] = 3; // not covered by any checksum (no FHCRC flag)
        return bytes;
    }
}
