using FedLab.Engine.Models;
using FedLab.Engine.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Federation;

/// <summary>Accuracy, macro-F1 and mean cross-entropy of the run's model (or another classifier) on a labelled split.</summary>
public static class Evaluator
{
    public static EvalMetrics Evaluate(RunEnvironment env, TokenizedSet set, CancellationToken ct) => Evaluate(env, env.Model, set, ct);

    /// <summary>Evaluates <paramref name="model"/> (e.g. a KD client of another architecture) with the run's settings.</summary>
    public static EvalMetrics Evaluate(RunEnvironment env, SequenceClassifier model, TokenizedSet set, CancellationToken ct)
    {
        if (set.Responses is not null)
        {
            return Tasks.Generative.GenerativeEvaluator.Evaluate(env, model, set, ct); // answer-token loss, exact match
        }
        set = env.Evaluation.Resolve(env, set);
        var prefix = env.Evaluation.PrefixFor(env, model, set);
        int classes = env.Dataset.NumClasses;
        var confusion = new long[classes, classes];
        // For two classes, each example's probability of class 1 (in set order), for the precision-recall curve.
        var probabilityOfClass1 = classes == 2 ? new double[set.Count] : null;
        double lossSum = 0;
        int batchSize = env.Spec.Training.EvalBatchSize;
        model.eval();
        using (no_grad())
        {
            var indices = new int[batchSize];
            for (int start = 0; start < set.Count; start += batchSize)
            {
                ct.ThrowIfCancellationRequested();
                int n = Math.Min(batchSize, set.Count - start);
                for (int i = 0; i < n; i++)
                {
                    indices[i] = start + i;
                }
                using var scope = NewDisposeScope();
                var batch = set.MakeBatch(indices.AsSpan(0, n), env.Device);
                var logits = prefix is null ? model.forward(batch.InputIds, batch.AttentionMask) : prefix.Forward(model, start, batch);
                lossSum += nn.functional.cross_entropy(logits, batch.Labels, reduction: nn.Reduction.Sum).item<float>();
                var predicted = logits.argmax(1).cpu().data<long>().ToArray();
                for (int i = 0; i < n; i++)
                {
                    confusion[set.Labels[start + i], predicted[i]]++;
                }
                if (probabilityOfClass1 is not null)
                {
                    var p1 = nn.functional.softmax(logits.to_type(ScalarType.Float64), 1).select(1, 1).cpu().data<double>().ToArray();
                    p1.CopyTo(probabilityOfClass1, start);
                }
            }
        }
        model.train();
        return FromConfusion(confusion, lossSum, set.Count) with { Detail = EvalDetail.From(confusion, set.Labels, probabilityOfClass1) };
    }

    public static EvalMetrics FromConfusion(long[,] confusion, double lossSum, int count)
    {
        int classes = confusion.GetLength(0);
        long correct = 0;
        double f1Sum = 0;
        for (int c = 0; c < classes; c++)
        {
            correct += confusion[c, c];
            long predicted = 0, actual = 0;
            for (int k = 0; k < classes; k++)
            {
                predicted += confusion[k, c];
                actual += confusion[c, k];
            }
            double precision = predicted == 0 ? 0 : (double)confusion[c, c] / predicted;
            double recall = actual == 0 ? 0 : (double)confusion[c, c] / actual;
            f1Sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }
        return new EvalMetrics((double)correct / count, f1Sum / classes, lossSum / count, count);
    }
}
