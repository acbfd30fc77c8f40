using System.Collections.Concurrent;
using FedLab.Engine.Models.Gpt2;
using FedLab.Engine.Models.Llama;
using FedLab.Engine.Models.Qwen2;

namespace FedLab.Engine.Models.Decoder;

/// <summary>
/// A local Hugging Face folder as a catalog entry: its config (read once per change), its family by model_type,
/// and a <see cref="ModelInfo"/> whose id is the name the spec used (a path or a registered short name).
/// </summary>
public static class HfFolder
{
    public const string ConfigFile = "config.json";
    public const string TokenizerFile = "tokenizer.json";

    private static readonly ConcurrentDictionary<string, (DateTime Written, DecoderConfig Config)> Configs = new(StringComparer.Ordinal);

    public static IReadOnlyList<HfDecoderFamily> Families { get; } = [LlamaFamily.Instance, Qwen2Family.Instance, Qwen2Family.Qwen3, Gpt2Family.Instance];

    /// <summary>True when <paramref name="path"/> is a folder with a config.json (what the spec's model may name).</summary>
    public static bool LooksLikeFolder(string path) =>
        !string.IsNullOrWhiteSpace(path) && Directory.Exists(path) && File.Exists(Path.Combine(path, ConfigFile));

    public static DecoderConfig ReadConfig(string folder)
    {
        var file = Path.Combine(Path.GetFullPath(folder), ConfigFile);
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"{folder} has no {ConfigFile}", file);
        }
        var written = File.GetLastWriteTimeUtc(file);
        if (Configs.TryGetValue(file, out var cached) && cached.Written == written)
        {
            return cached.Config;
        }
        var config = DecoderConfig.Read(file);
        Configs[file] = (written, config);
        return config;
    }

    public static HfDecoderFamily FamilyOf(DecoderConfig config) =>
        Families.FirstOrDefault(f => f.ModelTypes.Contains(config.ModelType))
        ?? throw new NotSupportedException($"unsupported architecture '{config.Architecture}' (model_type '{config.ModelType}')");

    /// <summary>The catalog entry of the folder at <paramref name="folder"/>, named <paramref name="id"/>; errors say what is wrong.</summary>
    public static ModelInfo Describe(string id, string folder)
    {
        var config = ReadConfig(folder);
        var family = FamilyOf(config);
        if (!File.Exists(Path.Combine(folder, TokenizerFile)))
        {
            throw new FileNotFoundException($"{folder} has no {TokenizerFile}", Path.Combine(folder, TokenizerFile));
        }
        var display = $"{config.Architecture} from {folder} ({config.Layers} layers, hidden {config.HiddenSize}, vocabulary {config.VocabSize})";
        return new ModelInfo(id, display, family, config.Shape, new LocalFolderSource(Path.GetFullPath(folder), "the folder's own licence"));
    }
}
