using System.Security.Cryptography;
using System.Text.Json.Nodes;
using FedLab.Engine.Models.Bert.Import;
using FedLab.Engine.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Bert;

/// <summary>
/// The BERT encoder family (all-MiniLM-L6-v2, snowflake-arctic-embed-xs and the tiny test models): WordPiece
/// tokenizer, weights imported from the packages' ONNX graphs (converted once to safetensors in the cache), LoRA on
/// query, key, value, attention output and the feed-forward pair.
/// </summary>
public sealed class BertFamily : IModelFamily
{
    public const string Query = "query";
    public const string Key = "key";
    public const string Value = "value";
    public const string AttentionOutput = "output";
    public const string FeedForward = "ffn";

    public static BertFamily Instance { get; } = new();

    public string Name => "bert";

    public IReadOnlyList<string> LoraTargetNames { get; } = [Query, Key, Value, AttentionOutput, FeedForward];

    public ITextBackbone CreateBackbone(ModelInfo model, ModelStore store, double dropout, Device device, int? layers = null)
    {
        var shape = layers is int l ? model.Shape.WithLayers(l) : model.Shape;
        var backbone = new BertBackbone(BertConfig.From(shape), dropout, device);
        if (Package(model).WeightsAssembly is not null)
        {
            using var weights = SafeTensors.Deserialize(File.ReadAllBytes(EnsureWeightsCached(model, store)));
            ModelStore.LoadInto(backbone, weights);
        }
        return backbone;
    }

    public ITextTokenizer LoadTokenizer(ModelInfo model, ModelStore store) => WordPieceTokenizer.FromVocabulary(File.ReadAllBytes(Vocabulary(model, store)));

    public string VocabularyFingerprint(ModelInfo model, ModelStore store) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Vocabulary(model, store))));

    /// <summary>Per token: four h×h attention projections and the h×i, i×h feed-forward pair.</summary>
    public double BlockMacsPerToken(TransformerShape shape) => 4.0 * shape.HiddenSize * shape.HiddenSize + 2.0 * shape.HiddenSize * shape.IntermediateSize;

    /// <summary>Hugging Face's BertConfig for the backbone (BertModel: the exported weights carry its parameter names).</summary>
    public JsonObject HuggingFaceConfig(ModelInfo model)
    {
        var c = BertConfig.From(model.Shape);
        return new JsonObject
        {
            ["architectures"] = new JsonArray("BertModel"),
            ["model_type"] = "bert",
            ["vocab_size"] = c.VocabSize,
            ["hidden_size"] = c.HiddenSize,
            ["num_hidden_layers"] = c.Layers,
            ["num_attention_heads"] = c.Heads,
            ["intermediate_size"] = c.IntermediateSize,
            ["hidden_act"] = "gelu",
            ["max_position_embeddings"] = c.MaxPositions,
            ["type_vocab_size"] = c.TypeVocabSize,
            ["layer_norm_eps"] = c.LayerNormEps,
            ["hidden_dropout_prob"] = 0.1,
            ["attention_probs_dropout_prob"] = 0.1,
            ["initializer_range"] = 0.02,
            ["pad_token_id"] = 0,
            ["position_embedding_type"] = "absolute",
            ["torch_dtype"] = "float32",
        };
    }

    /// <summary>The converted weights of a pre-trained package (ONNX initialisers under Hugging Face names), cached.</summary>
    public string EnsureWeightsCached(ModelInfo model, ModelStore store)
    {
        var assembly = store.AssemblyPath(Package(model).WeightsAssembly ?? throw new InvalidOperationException($"{model.Id} has no pre-trained weights"));
        return store.Cached($"{model.Id}-{new FileInfo(assembly).Length}.safetensors", () =>
        {
            var graph = OnnxGraph.Parse(EmbeddedResourceReader.ReadResource(assembly, "model.onnx"));
            var named = OnnxBertWeights.Extract(graph);
            var tensors = new List<KeyValuePair<string, Tensor>>();
            try
            {
                foreach (var (name, t) in named.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    tensors.Add(new(name, tensor(t.Values, t.Dims)));
                }
                var metadata = new Dictionary<string, string> { ["source"] = model.Source.Origin, ["licence"] = model.Source.Licence };
                return SafeTensors.Serialize(tensors, metadata);
            }
            finally
            {
                tensors.ForEach(kv => kv.Value.Dispose());
            }
        });
    }

    private static string Vocabulary(ModelInfo model, ModelStore store)
    {
        var assembly = store.AssemblyPath(Package(model).VocabularyAssembly);
        return store.Cached($"{Path.GetFileNameWithoutExtension(assembly)}-{new FileInfo(assembly).Length}.vocab.txt",
            () => EmbeddedResourceReader.ReadResource(assembly, "vocab.txt"));
    }

    private static PackageSource Package(ModelInfo model) =>
        model.Source as PackageSource ?? throw new NotSupportedException($"{model.Id}: the BERT family reads NuGet model packages only");
}
