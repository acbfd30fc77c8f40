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
        if (PerClientParameters.For(word_embeddings) is { } perClientWords)
        {
            return PerClientForward(inputIds, perClientWords);
        }
        long tokens = inputIds.shape[1];
        using var positions = arange(tokens, dtype: ScalarType.Int64, device: inputIds.device);
        using var words = word_embeddings.forward(inputIds);
        using var pos = position_embeddings.forward(positions);
        using var typeRow = token_type_embeddings.weight![0];
        using var sum = words + pos + typeRow;
        using var normed = LayerNorm.forward(sum);
        return dropout.forward(normed);
    }

    /// <summary>
    /// The same sum per client (batched full fine-tuning, issue 16): rows are [clients · batch], each client's rows
    /// read its own word, position and token-type tables (stacked [clients, …]) and its own LayerNorm.
    /// </summary>
    private Tensor PerClientForward(Tensor inputIds, PerClientParameters words)
    {
        var positionTable = PerClientParameters.For(position_embeddings)
            ?? throw new InvalidOperationException("per-client word embeddings need per-client position embeddings");
        var typeTable = PerClientParameters.For(token_type_embeddings)
            ?? throw new InvalidOperationException("per-client word embeddings need per-client token-type embeddings");
        long tokens = inputIds.shape[1];
        int clients = words.Clients;
        long hidden = words.Weight.shape[2];
        using var positions = arange(tokens, dtype: ScalarType.Int64, device: inputIds.device);
        using var looked = words.Gather(inputIds);
        using var perClient = looked.view(clients, -1, tokens, hidden);
        using var rows = positionTable.Weight.index_select(1, positions);
        using var pos = rows.unsqueeze(1); // [clients, 1, tokens, hidden]
        using var typeColumn = typeTable.Weight.select(1, 0);
        using var typeRow = typeColumn.reshape(clients, 1, 1, hidden);
        using var sum = perClient + pos + typeRow;
        using var flat = sum.view(-1, tokens, hidden);
        using var normed = PerClientParameters.LayerNorm(LayerNorm, flat);
        return dropout.forward(normed);
    }
}
