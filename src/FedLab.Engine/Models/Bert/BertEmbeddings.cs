using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Bert;

/// <summary>Word + position + token-type embeddings, LayerNorm and dropout (Hugging Face names).</summary>
public sealed class BertEmbeddings : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly Embedding token_type_embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;
#pragma warning restore IDE1006

    public BertEmbeddings(BertConfig config, double dropoutRate, Device device) : base(nameof(BertEmbeddings))
    {
        word_embeddings = nn.Embedding(config.VocabSize, config.HiddenSize, device: device);
        position_embeddings = nn.Embedding(config.MaxPositions, config.HiddenSize, device: device);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize, device: device);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device);
        dropout = nn.Dropout(dropoutRate);
        RegisterComponents();
    }

    /// <param name="inputIds">[batch, tokens] int64; single-segment input, so token types are all 0.</param>
    public override Tensor forward(Tensor inputIds)
    {
        long tokens = inputIds.shape[1];
        using var positions = arange(tokens, dtype: ScalarType.Int64, device: inputIds.device);
        using var words = word_embeddings.forward(inputIds);
        using var pos = position_embeddings.forward(positions);
        using var typeRow = token_type_embeddings.weight![0];
        using var sum = words + pos + typeRow;
        using var normed = LayerNorm.forward(sum);
        return dropout.forward(normed);
    }
}
