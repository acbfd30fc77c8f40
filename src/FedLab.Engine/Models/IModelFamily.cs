using static TorchSharp.torch;

namespace FedLab.Engine.Models;

/// <summary>
/// A model family (BERT today; Llama, Qwen2, GPT-2 next): everything FedLab needs that depends on the architecture.
/// One implementation per folder (<c>Models/Bert/BertFamily.cs</c>); the catalog names a family and a
/// <see cref="ModelSource"/> for each model, and nothing outside the family's folder references its types.
/// </summary>
public interface IModelFamily
{
    /// <summary>A short name ("bert").</summary>
    string Name { get; }

    /// <summary>The names the spec's <c>fineTune.lora.targets</c> may use for this family, in display order.</summary>
    IReadOnlyList<string> LoraTargetNames { get; }

    /// <summary>
    /// The backbone (an <see cref="nn.Module"/> implementing <see cref="ITextBackbone"/>) with the source's pre-trained
    /// weights when it has them, on <paramref name="device"/>; <paramref name="layers"/> keeps only the first blocks.
    /// </summary>
    ITextBackbone CreateBackbone(ModelInfo model, ModelStore store, double dropout, Device device, int? layers = null);

    ITextTokenizer LoadTokenizer(ModelInfo model, ModelStore store);

    /// <summary>Equal for two models of this family exactly when their tokenizers give the same ids (KD clients need that).</summary>
    string VocabularyFingerprint(ModelInfo model, ModelStore store);

    /// <summary>
    /// Multiply-accumulates per token of one block's dense (weight) matrices: the FLOP model's per-block cost besides
    /// attention scores (documented in <see cref="Federation.FlopModel"/>).
    /// </summary>
    double BlockMacsPerToken(TransformerShape shape);

    /// <summary>
    /// The Hugging Face <c>config.json</c> of <paramref name="model"/>'s backbone, written beside fully fine-tuned weights
    /// on export (<see cref="Export.ModelExport"/>); null when the family cannot write one.
    /// </summary>
    System.Text.Json.Nodes.JsonObject? HuggingFaceConfig(ModelInfo model) => null;

    /// <summary>
    /// The backbone's tensors under the names and layouts of the Hugging Face checkpoint the family reads (an encoder's
    /// module names already are; a decoder maps them back and transposes GPT-2's Conv1D matrices), for export.
    /// </summary>
    IEnumerable<KeyValuePair<string, TorchSharp.torch.Tensor>> HuggingFaceTensors(IEnumerable<KeyValuePair<string, TorchSharp.torch.Tensor>> backbone) => backbone;

    /// <summary>Files of the model's own folder that a Hugging Face folder of the exported weights needs too (the tokenizer's).</summary>
    IEnumerable<string> HuggingFaceFiles(ModelInfo model) => [];

    /// <summary>Where a split may cut: after block 1 up to before the last block.</summary>
    IReadOnlyList<int> CutPoints(TransformerShape shape) => [.. Enumerable.Range(1, Math.Max(0, shape.Layers - 1))];
}
