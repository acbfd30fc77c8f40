using FedLab.Engine.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Models;

/// <summary>
/// Builds models from the catalog. Pre-trained weights are converted from the package's embedded ONNX once,
/// then read from a safetensors cache (keyed by model id and package size), so later runs start fast.
/// </summary>
public sealed class ModelStore
{
    private readonly object _gate = new();

    public ModelStore(string? modelsDirectory = null, string? cacheDirectory = null)
    {
        ModelsDirectory = modelsDirectory ?? Path.Combine(AppContext.BaseDirectory, "models");
        CacheDirectory = cacheDirectory
            ?? Environment.GetEnvironmentVariable("FEDLAB_CACHE_DIR")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "fedlab");
    }

    public string ModelsDirectory { get; }
    public string CacheDirectory { get; }

    public string AssemblyPath(string assembly)
    {
        var path = Path.Combine(ModelsDirectory, assembly);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"model package {assembly} not found in {ModelsDirectory}; build the solution to download it", path);
        }
        return path;
    }

    /// <summary>The model's tokenizer, through its family.</summary>
    public ITextTokenizer LoadTokenizer(ModelInfo info) => info.Family.LoadTokenizer(info, this);

    /// <summary>The model's backbone with its pre-trained weights, through its family.</summary>
    public ITextBackbone CreateBackbone(ModelInfo info, double dropout, Device device, int? layers = null) =>
        info.Family.CreateBackbone(info, this, dropout, device, layers);

    /// <summary>
    /// A file derived from a package (converted weights, an extracted vocabulary) in the cache folder, written once
    /// (atomically, under a lock) by <paramref name="produce"/>. Name it after what it came from, so that a new
    /// package version is converted again.
    /// </summary>
    public string Cached(string fileName, Func<byte[]> produce)
    {
        var cached = Path.Combine(CacheDirectory, fileName);
        lock (_gate)
        {
            if (!File.Exists(cached))
            {
                WriteAtomically(cached, produce());
            }
        }
        return cached;
    }

    public static void LoadInto(nn.Module module, SafeTensorsFile weights)
    {
        var byName = weights.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        using var _ = no_grad();
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (name.Contains(".lora_", StringComparison.Ordinal))
            {
                continue;
            }
            if (!byName.TryGetValue(name, out var source))
            {
                throw new InvalidDataException($"checkpoint has no tensor '{name}'");
            }
            if (!source.shape.SequenceEqual(parameter.shape))
            {
                throw new InvalidDataException($"checkpoint tensor '{name}' has shape [{string.Join(",", source.shape)}], the model expects [{string.Join(",", parameter.shape)}]");
            }
            parameter.copy_(source);
        }
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}
