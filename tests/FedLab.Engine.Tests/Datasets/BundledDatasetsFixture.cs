using System.Text.Json.Nodes;
using FedLab.Engine.Datasets;

namespace FedLab.Engine.Tests.Datasets;

/// <summary>Loads each bundled dataset once per test class; they are immutable, so sharing is safe.</summary>
public sealed class BundledDatasetsFixture
{
    private readonly Dictionary<string, TextDataset> _loaded = [];

    public BundledDatasetsFixture()
    {
        string manifestPath = Path.Combine(DatasetCatalog.DefaultDataDirectory, "datasets.json");
        Manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        foreach (string name in DatasetCatalog.BundledNames)
        {
            _loaded[name] = DatasetCatalog.Load(name);
        }
    }

    public JsonObject Manifest { get; }

    public TextDataset Get(string name) => _loaded[name];
}
