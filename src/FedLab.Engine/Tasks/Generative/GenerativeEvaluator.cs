using FedLab.Engine.Federation;
using FedLab.Engine.Models;
using FedLab.Engine.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Tasks.Generative;

/// <summary>
/// Evaluation of a generative model on a split: the mean cross-entropy over answer tokens (teacher-forced; its
/// exponential is the perplexity) and exact match: greedy generation from each prompt, at most task.maxNewTokens
/// tokens, stopping at the answer's end token, the end-of-text token or a newline, compared with the reference answer
/// after trimming white space at both ends (ordinal, case-sensitive). Reported as
/// <see cref="EvalMetrics"/>(Accuracy = exact match, MacroF1 = NaN: no classes, Loss = the answer-token loss); the
/// named metrics test.loss, test.perplexity and test.exactMatch follow from them (<see cref="EvaluationExtras"/>).
/// </summary>
public static class GenerativeEvaluator
{
    /// <summary>Most logits (rows · vocabulary) one evaluation step holds: bounds memory for a real vocabulary.</summary>
    private const long MaxLogitFloats = 1L << 25;

    public static EvalMetrics Evaluate(RunEnvironment env, SequenceClassifier model, TokenizedSet set, CancellationToken ct)
    {
        var task = env.Generative ?? throw new InvalidOperationException("a generative split in a run without a generative task");
        var responses = set.Responses!;
        model.eval();
        try
        {
            using var _ = no_grad();
            var (lossSum, tokens) = AnswerLoss(env, model, set, ct);
            var rows = task.GenerationRows(set.Count);
            var generated = Generate(env, model, set, rows, ct);
            int exact = 0;
            for (int i = 0; i < rows.Length; i++)
            {
                exact += string.Equals(generated[i], responses.Answers[rows[i]], StringComparison.Ordinal) ? 1 : 0;
            }
            double loss = tokens == 0 ? double.NaN : lossSum / tokens;
            return new EvalMetrics(rows.Length == 0 ? 0 : (double)exact / rows.Length, double.NaN, loss, set.Count);
        }
        finally
        {
            model.train();
        }
    }

    /// <summary>Summed cross-entropy over the answer tokens of the split, and their count.</summary>
    public static (double LossSum, long Tokens) AnswerLoss(RunEnvironment env, SequenceClassifier model, TokenizedSet set, CancellationToken ct)
    {
        double lossSum = 0;
        long tokens = 0;
        foreach (var batch in Batches(env, set))
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var data = set.MakeBatch(batch, env.Device);
            var select = data.Labels.ne(ResponseTargets.Ignore);
            var logits = AnswerPositions.Logits(model, data.InputIds, data.AttentionMask, select);
            var targets = data.Labels.index_select(0, select.nonzero().squeeze(1));
            lossSum += nn.functional.cross_entropy(logits, targets, reduction: nn.Reduction.Sum).item<float>();
            tokens += targets.shape[0];
        }
        return (lossSum, tokens);
    }

    /// <summary>Greedy answers (trimmed, cut at the first newline) for the examples at <paramref name="rows"/>.</summary>
    public static string[] Generate(RunEnvironment env, SequenceClassifier model, TokenizedSet set, IReadOnlyList<int> rows, CancellationToken ct)
    {
        var task = env.Generative!;
        var responses = set.Responses!;
        var answers = new string[rows.Count];
        int batchSize = Math.Max(1, env.Spec.Training.EvalBatchSize);
        for (int start = 0; start < rows.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, rows.Count - start);
            var sequences = new List<int>[n];
            var written = new List<int>[n];
            var done = new bool[n];
            for (int i = 0; i < n; i++)
            {
                int row = rows[start + i];
                sequences[i] = [.. set.Ids[row].Take(responses.PromptLengths[row])];
                written[i] = [];
            }
            for (int step = 0; step < task.MaxNewTokens && done.Contains(false); step++)
            {
                ct.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var prompts = new TokenizedSet([.. sequences.Select(s => s.ToArray())], new int[n], set.PadId);
                var data = prompts.MakeBatch([.. Enumerable.Range(0, n)], env.Device);
                var next = AnswerPositions.Last(model, data.InputIds, data.AttentionMask).argmax(1).cpu().data<long>().ToArray();
                for (int i = 0; i < n; i++)
                {
                    if (done[i])
                    {
                        continue;
                    }
                    int token = (int)next[i];
                    if (task.Template.StopIds.Contains(token))
                    {
                        done[i] = true;
                        continue;
                    }
                    sequences[i].Add(token);
                    written[i].Add(token);
                    done[i] = task.Tokenizer.Decode(written[i]).Contains('\n', StringComparison.Ordinal) || sequences[i].Count >= task.MaxPositions;
                }
            }
            for (int i = 0; i < n; i++)
            {
                var text = task.Tokenizer.Decode(written[i]);
                int newline = text.IndexOf('\n', StringComparison.Ordinal);
                answers[start + i] = (newline >= 0 ? text[..newline] : text).Trim();
            }
        }
        return answers;
    }

    /// <summary>Consecutive batches of the split, at most evalBatchSize rows and about <see cref="MaxLogitFloats"/> answer logits each.</summary>
    private static IEnumerable<int[]> Batches(RunEnvironment env, TokenizedSet set)
    {
        int vocab = env.Model.NumClasses;
        var batch = new List<int>();
        long answerTokens = 0;
        for (int i = 0; i < set.Count; i++)
        {
            long tokens = set.Responses!.AnswerTokens(i);
            if (batch.Count > 0 && (batch.Count == env.Spec.Training.EvalBatchSize || (answerTokens + tokens) * vocab > MaxLogitFloats))
            {
                yield return [.. batch];
                batch.Clear();
                answerTokens = 0;
            }
            batch.Add(i);
            answerTokens += tokens;
        }
        if (batch.Count > 0)
        {
            yield return [.. batch];
        }
    }
}
