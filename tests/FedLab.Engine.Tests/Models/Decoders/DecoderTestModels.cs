using FedLab.Engine.Models;
using FedLab.Engine.Models.Decoder;
using FedLab.Tests.Shared;
using static TorchSharp.torch;

namespace FedLab.Engine.Tests.Models.Decoders;

/// <summary>Loading the tiny decoders written by <see cref="TinyDecoders"/>.</summary>
internal static class DecoderTestModels
{
    public static ModelInfo Info(string variant) => ModelCatalog.Get(TinyDecoders.Folder(variant));

    public static ICausalLanguageModel LanguageModel(string variant)
    {
        var folder = TinyDecoders.Folder(variant);
        var family = HfFolder.FamilyOf(HfFolder.ReadConfig(folder));
        return family.Load(folder, 0.0, CPU, withLanguageModelHead: true);
    }

    /// <summary>The final position's logits for <paramref name="ids"/> (one sequence, no padding).</summary>
    public static float[] LastLogits(ICausalLanguageModel model, IReadOnlyList<long> ids)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var input = tensor(ids.ToArray(), [1, ids.Count]);
        var mask = ones_like(input);
        var hidden = model.RunLayers(model.Embed(input), model.AttentionBias(mask, ScalarType.Float32), 0, model.NumLayers);
        var logits = model.Logits(hidden.select(1, ids.Count - 1));
        return logits.squeeze(0).to_type(ScalarType.Float32).data<float>().ToArray();
    }
}
