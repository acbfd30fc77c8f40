using Microsoft.ML.Tokenizers;

namespace FedLab.Engine.Models.Bert;

/// <summary>WordPiece tokenisation (Microsoft.ML.Tokenizers' BertTokenizer) on a model's own vocab.txt.</summary>
public sealed class WordPieceTokenizer : ITextTokenizer
{
    private readonly BertTokenizer _tokenizer;

    private WordPieceTokenizer(BertTokenizer tokenizer)
    {
        _tokenizer = tokenizer;
    }

    public int PadId => _tokenizer.PaddingTokenId;

    public static WordPieceTokenizer FromVocabulary(byte[] vocabTxt)
    {
        using var stream = new MemoryStream(vocabTxt, writable: false);
        var tokenizer = BertTokenizer.Create(stream, new BertOptions { LowerCaseBeforeTokenization = true });
        return new WordPieceTokenizer(tokenizer);
    }

    /// <summary>Token ids with [CLS] first and [SEP] last, truncated to at most <paramref name="maxTokens"/> ids.</summary>
    public int[] Encode(string text, int maxTokens)
    {
        if (maxTokens < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokens), "a sequence needs room for [CLS] and [SEP]");
        }
        // Words average well under 12 characters per token; cutting the text first keeps long emails cheap
        // without changing the first maxTokens tokens.
        var span = text.Length > maxTokens * 12 ? text.AsSpan(0, maxTokens * 12) : text.AsSpan();
        var body = _tokenizer.EncodeToIds(span, maxTokens - 2, addSpecialTokens: false, out _, out _);
        var ids = new int[body.Count + 2];
        ids[0] = _tokenizer.ClassificationTokenId;
        for (int i = 0; i < body.Count; i++)
        {
            ids[i + 1] = body[i];
        }
        ids[^1] = _tokenizer.SeparatorTokenId;
        return ids;
    }
}
