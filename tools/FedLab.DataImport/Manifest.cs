using System.Text.Json;
using System.Text.Json.Nodes;

namespace FedLab.DataImport;

/// <summary>data/datasets.json: one entry per bundled dataset; entries not re-imported in this run are kept.</summary>
internal static class Manifest
{
    public const string FileName = "datasets.json";

    public static JsonObject Load(string outDirectory)
    {
        string path = Path.Combine(outDirectory, FileName);
        return File.Exists(path) && JsonNode.Parse(File.ReadAllText(path)) is JsonObject existing
            ? existing
            : [];
    }

    public static void Save(JsonObject manifest, string outDirectory)
    {
        // Sorted by dataset name so the file does not depend on which datasets this run imported.
        var sorted = new JsonObject();
        foreach (string name in manifest.Select(p => p.Key).Order(StringComparer.Ordinal).ToList())
        {
            JsonNode? entry = manifest[name];
            manifest.Remove(name);
            sorted[name] = entry;
        }
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, BundleWriter.JsonOptions with { Indented = true }))
        {
            sorted.WriteTo(writer);
        }
        buffer.WriteByte((byte)'\n');
        File.WriteAllBytes(Path.Combine(outDirectory, FileName), buffer.ToArray());
    }
}
