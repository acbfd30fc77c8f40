namespace FedLab.Engine.Models;

/// <summary>Turns text into a model's token ids, with the family's special tokens, at most <c>maxTokens</c> long.</summary>
public interface ITextTokenizer
{
    int PadId { get; }

    int[] Encode(string text, int maxTokens);
}
