using FedLab.Engine.Datasets;
using FedLab.Engine.Federation;

namespace FedLab.Engine.Tasks.Generative;

/// <summary>
/// Conversations to token ids with next-token targets on the answers only. An example longer than maxTokens loses the
/// end of its longest content (the e-mail's tail, then the next longest, ...), never template markup; only when markup
/// and answers alone are too long is the start of the sequence dropped, then the final answer cut from its end. Every
/// example keeps at least one answer token, so no batch has nothing to learn from.
/// </summary>
public static class GenerativeTokenization
{
    public static TokenizedSet Tokenize(ChatTemplate template, int padId, IReadOnlyList<TextExample> examples, int maxTokens, bool sortByLength)
    {
        int n = examples.Count;
        var ids = new int[n][];
        var targets = new int[n][];
        var prompts = new int[n];
        var answers = new string[n];
        for (int i = 0; i < n; i++)
        {
            var messages = examples[i].Messages ?? throw new InvalidOperationException("a generative split holds an example without messages");
            (ids[i], targets[i], prompts[i]) = Encode(template, messages, maxTokens);
            answers[i] = messages[^1].Content.Trim();
        }
        var labels = examples.Select(e => e.Label).ToArray();
        if (sortByLength)
        {
            var order = Enumerable.Range(0, n).OrderBy(i => ids[i].Length).ThenBy(i => i).ToArray();
            ids = [.. order.Select(i => ids[i])];
            targets = [.. order.Select(i => targets[i])];
            prompts = [.. order.Select(i => prompts[i])];
            answers = [.. order.Select(i => answers[i])];
            labels = [.. order.Select(i => labels[i])];
        }
        return new TokenizedSet(ids, labels, padId) { Responses = new ResponseTargets(targets, prompts, answers) };
    }

    /// <summary>One conversation: its ids, the next-token target of each position, and where the final answer starts.</summary>
    public static (int[] Ids, int[] Targets, int PromptLength) Encode(ChatTemplate template, IReadOnlyList<ChatMessage> messages, int maxTokens)
    {
        var pieces = template.Render(messages, generationPrompt: false);
        // No piece can keep more than maxTokens ids: long e-mails are not encoded past that.
        var pieceIds = pieces.Select(p => template.Ids(p, maxTokens).ToList()).ToList();
        int lastAnswer = pieces.Count - 1;
        while (lastAnswer > 0 && pieces[lastAnswer - 1].Kind == TemplatePieceKind.Answer)
        {
            lastAnswer--; // the final answer's text and end token
        }
        int overflow = pieceIds.Sum(p => p.Count) - maxTokens;
        // 1. Cut content, longest first.
        while (overflow > 0)
        {
            int longest = -1;
            for (int p = 0; p < pieces.Count; p++)
            {
                if (pieces[p].Kind == TemplatePieceKind.Content && pieceIds[p].Count > 0 && (longest < 0 || pieceIds[p].Count > pieceIds[longest].Count))
                {
                    longest = p;
                }
            }
            if (longest < 0)
            {
                break;
            }
            int second = pieces.Select((piece, p) => piece.Kind == TemplatePieceKind.Content && p != longest ? pieceIds[p].Count : 0).Max();
            int cut = Math.Min(overflow, Math.Max(1, pieceIds[longest].Count - second));
            pieceIds[longest].RemoveRange(pieceIds[longest].Count - cut, cut);
            overflow -= cut;
        }
        var ids = new List<int>(maxTokens);
        var isAnswer = new List<bool>(maxTokens);
        int promptLength = 0;
        for (int p = 0; p < pieces.Count; p++)
        {
            if (p == lastAnswer)
            {
                promptLength = ids.Count;
            }
            ids.AddRange(pieceIds[p]);
            isAnswer.AddRange(Enumerable.Repeat(pieces[p].Kind == TemplatePieceKind.Answer, pieceIds[p].Count));
        }
        // 2. Markup (and earlier turns) alone too long: drop the start, keeping the prompt's last token.
        int drop = Math.Min(Math.Max(0, ids.Count - maxTokens), Math.Max(0, promptLength - 1));
        ids.RemoveRange(0, drop);
        isAnswer.RemoveRange(0, drop);
        promptLength -= drop;
        // 3. Still too long: cut the final answer from its end (its end token first), keeping one answer token.
        int tail = Math.Min(Math.Max(0, ids.Count - maxTokens), Math.Max(0, ids.Count - promptLength - 1));
        ids.RemoveRange(ids.Count - tail, tail);
        isAnswer.RemoveRange(isAnswer.Count - tail, tail);
        var targets = new int[ids.Count];
        for (int t = 0; t < ids.Count; t++)
        {
            targets[t] = t + 1 < ids.Count && isAnswer[t + 1] ? ids[t + 1] : ResponseTargets.Ignore;
        }
        if (promptLength == 0 || ids.Count > maxTokens || targets.All(t => t == ResponseTargets.Ignore))
        {
            throw new InvalidDataException($"dataset.maxTokens ({maxTokens}) leaves no room for an answer after the template's markup; raise it");
        }
        return ([.. ids], targets, promptLength);
    }
}
