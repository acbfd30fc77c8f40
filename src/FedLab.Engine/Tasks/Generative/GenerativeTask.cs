using FedLab.Engine.Models.Decoder;

namespace FedLab.Engine.Tasks.Generative;

/// <summary>What a generative run needs beyond its token ids: the chat template, the tokenizer (to read answers back) and the generation limits.</summary>
public sealed class GenerativeTask(ChatTemplate template, HfTokenizer tokenizer, int maxNewTokens, int? generateLimit, int maxPositions)
{
    /// <summary>The longest sequence the model reads (GPT-2's learned positions end there); generation stops at it.</summary>
    public int MaxPositions { get; } = maxPositions;

    public ChatTemplate Template { get; } = template;

    public HfTokenizer Tokenizer { get; } = tokenizer;

    public int MaxNewTokens { get; } = maxNewTokens;

    public int? GenerateLimit { get; } = generateLimit;

    /// <summary>Which examples of a split of <paramref name="count"/> get generated answers: all, or evenly spaced over the (length-sorted) split.</summary>
    public int[] GenerationRows(int count)
    {
        int n = GenerateLimit is int limit ? Math.Min(limit, count) : count;
        return [.. Enumerable.Range(0, n).Select(i => (int)((long)i * count / n))];
    }
}
