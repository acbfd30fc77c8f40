using System.Collections.Concurrent;
using System.Text.Json;
using FedLab.Engine.Datasets;

namespace FedLab.Engine.Runs;

/// <summary>
/// What validation needs to know about a dataset without loading it: its class count and the size of its public
/// split. Known for the bundled datasets (from the manifest data/datasets.json beside the binaries); for a user's
/// file the same rules are checked when the run loads it (still before the run starts).
/// </summary>
public sealed record DatasetFacts(string Name, int Classes, int PublicExamples)
{
    private static readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, DatasetFacts>> Manifests = new(StringComparer.Ordinal);

    /// <summary>Facts of a bundled dataset; null for anything else or when the manifest is missing or unreadable.</summary>
    public static DatasetFacts? Bundled(string name, string? dataDirectory = null)
    {
        if (string.IsNullOrWhiteSpace(name) || !DatasetCatalog.IsBundled(name))
        {
            return null;
        }
        var path = Path.Combine(dataDirectory ?? DatasetCatalog.DefaultDataDirectory, "datasets.json");
        var manifest = Manifests.GetOrAdd(path, Read);
        return manifest.GetValueOrDefault(name.ToLowerInvariant());
    }

    public static DatasetFacts Of(TextDataset dataset) => new(dataset.Name, dataset.NumClasses, dataset.Public.Count);

    private static IReadOnlyDictionary<string, DatasetFacts> Read(string path)
    {
        var facts = new Dictionary<string, DatasetFacts>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                int classes = entry.Value.GetProperty("classes").GetArrayLength();
                int @public = entry.Value.GetProperty("counts").GetProperty("public").GetInt32();
                facts[entry.Name] = new DatasetFacts(entry.Name, classes, @public);
            }
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException or InvalidOperationException or UnauthorizedAccessException)
        {
            // Without the manifest the rules run when the dataset loads; validation stays usable.
            facts.Clear();
        }
        return facts;
    }
}
