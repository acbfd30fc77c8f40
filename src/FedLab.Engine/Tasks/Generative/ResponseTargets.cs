namespace FedLab.Engine.Tasks.Generative;

/// <summary>
/// What a generative split adds to its token ids, per example (in the set's order): the next-token target of every
/// position (the id of the following token when that token belongs to an answer, else <see cref="Ignore"/>), where
/// the final answer starts (the prompt greedy generation continues), and the final answer's text (exact match).
/// </summary>
public sealed class ResponseTargets(int[][] targets, int[] promptLengths, string[] answers)
{
    /// <summary>cross_entropy's default ignore_index: positions whose next token is not an answer token add no loss.</summary>
    public const int Ignore = -100;

    public int[][] Targets { get; } = targets;

    public int[] PromptLengths { get; } = promptLengths;

    public string[] Answers { get; } = answers;

    /// <summary>The rows at <paramref name="indices"/>, in that order.</summary>
    public ResponseTargets Select(IReadOnlyList<int> indices) =>
        new([.. indices.Select(i => Targets[i])], [.. indices.Select(i => PromptLengths[i])], [.. indices.Select(i => Answers[i])]);

    /// <summary>Answer positions (targets that are not ignored) of example <paramref name="index"/>.</summary>
    public int AnswerTokens(int index) => Targets[index].Count(t => t != Ignore);
}
