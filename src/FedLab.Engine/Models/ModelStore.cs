using FedLab.Engine.Models.Bert;
using FedLab.Engine.Models.Import;
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

    public TextTokenizer LoadTokenizer(ModelInfo info)
    {
        var assembly = AssemblyPath(info.VocabularyAssembly);
        var cached = Path.Combine(CacheDirectory, $"{Path.GetFileNameWithoutExtension(assembly)}-{new FileInfo(assembly).Length}.vocab.txt");
        lock (_gate)
        {
            if (!File.Exists(cached))
            {
                WriteAtomically(cached, EmbeddedResourceReader.ReadResource(assembly, "vocab.txt"));
            }
        }
        return TextTokenizer.FromVocabulary(File.ReadAllBytes(cached));
    }

    /// <summary>
    /// A backbone with the catalog model's weights (or seeded random weights for test configs).
    /// <paramref name="layers"/> keeps only the first blocks (heterogeneous clients, tests).
    /// </summary>
    public BertBackbone CreateBackbone(ModelInfo info, double dropout, Device device, int? layers = null)
    {
        var config = layers is int l ? info.Config.WithLayers(l) : info.Config;
        var backbone = new BertBackbone(config, dropout, device);
        if (info.IsPretrained)
        {
            using var weights = SafeTensors.Deserialize(File.ReadAllBytes(EnsureWeightsCached(info)));
            LoadInto(backbone, weights);
        }
        return backbone;
    }

    /// <summary>Converts the ONNX initializers to a safetensors file once; returns its path.</summary>
    public string EnsureWeightsCached(ModelInfo info)
    {
        var assembly = AssemblyPath(info.PackageAssembly ?? throw new InvalidOperationException($"{info.Id} has no pre-trained weights"));
        var cached = Path.Combine(CacheDirectory, $"{info.Id}-{new FileInfo(assembly).Length}.safetensors");
        lock (_gate)
        {
            if (File.Exists(cached))
            {
                return cached;
            }
            var graph = OnnxGraph.Parse(EmbeddedResourceReader.ReadResource(assembly, "model.onnx"));
            var named = OnnxBertWeights.Extract(graph);
            var tensors = new List<KeyValuePair<string, Tensor>>();
            try
            {
                foreach (var (name, t) in named.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    tensors.Add(new(name, tensor(t.Values, t.Dims)));
                }
                var metadata = new Dictionary<string, string> { ["source"] = info.Source, ["licence"] = info.Licence };
                WriteAtomically(cached, SafeTensors.Serialize(tensors, metadata));
            }
            finally
            {
                tensors.ForEach(kv => kv.Value.Dispose());
            }
            return cached;
        }
    }

    /// <summary>Copies checkpoint tensors into the module by name; every non-adapter parameter must be present.</summary>
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
