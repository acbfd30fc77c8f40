namespace FedLab.Engine.Runs;

/// <summary>
/// What an evaluation saw beyond accuracy and macro-F1, for imbalanced data: the confusion matrix (rows = true class,
/// columns = predicted class), balanced accuracy (the mean of the per-class recalls), per-class precision, recall and
/// F1, and for two classes the area under the precision-recall curve of the split's minority class (average
/// precision, as scikit-learn computes it). Kept beside <see cref="EvalMetrics"/>, not in its equality or JSON: the
/// executor turns it into named per-round metrics (<see cref="EvaluationExtras"/>).
/// </summary>
public sealed record EvalDetail(
    long[][] Confusion,
    double BalancedAccuracy,
    double[] Precision,
    double[] Recall,
    double[] F1,
    double? Auprc,
    int? AuprcClass)
{
    /// <summary>Builds the detail from a confusion matrix and, for two classes, each example's probability of class 1.</summary>
    public static EvalDetail From(long[,] confusion, IReadOnlyList<int>? labels = null, IReadOnlyList<double>? probabilityOfClass1 = null)
    {
        int classes = confusion.GetLength(0);
        var matrix = new long[classes][];
        var precision = new double[classes];
        var recall = new double[classes];
        var f1 = new double[classes];
        var actualCounts = new long[classes];
        for (int c = 0; c < classes; c++)
        {
            matrix[c] = new long[classes];
            long predicted = 0, actual = 0;
            for (int k = 0; k < classes; k++)
            {
                matrix[c][k] = confusion[c, k];
                predicted += confusion[k, c];
                actual += confusion[c, k];
            }
            actualCounts[c] = actual;
            precision[c] = predicted == 0 ? 0 : (double)confusion[c, c] / predicted;
            recall[c] = actual == 0 ? 0 : (double)confusion[c, c] / actual;
            f1[c] = precision[c] + recall[c] == 0 ? 0 : 2 * precision[c] * recall[c] / (precision[c] + recall[c]);
        }
        // Balanced accuracy averages the recalls of the classes present in the split (scikit-learn's definition).
        var present = Enumerable.Range(0, classes).Where(c => actualCounts[c] > 0).ToList();
        double balanced = present.Count == 0 ? 0 : present.Average(c => recall[c]);
        double? auprc = null;
        int? auprcClass = null;
        if (classes == 2 && labels is not null && probabilityOfClass1 is not null && labels.Count == probabilityOfClass1.Count && labels.Count > 0)
        {
            // The minority class is the one whose retrieval matters on imbalanced data (ties: class 1).
            int positive = actualCounts[0] < actualCounts[1] ? 0 : 1;
            auprcClass = positive;
            auprc = AveragePrecision(labels, probabilityOfClass1, positive);
        }
        return new EvalDetail(matrix, balanced, precision, recall, f1, auprc, auprcClass);
    }

    /// <summary>
    /// Average precision of class <paramref name="positive"/>: the sum over thresholds (distinct scores, high to low)
    /// of precision × the recall gained there. Equal scores form one threshold, so the order of ties does not matter.
    /// NaN when the split has no example of the class.
    /// </summary>
    public static double AveragePrecision(IReadOnlyList<int> labels, IReadOnlyList<double> probabilityOfClass1, int positive)
    {
        var scores = probabilityOfClass1.Select(p => positive == 1 ? p : 1 - p).ToArray();
        int positives = labels.Count(l => l == positive);
        if (positives == 0)
        {
            return double.NaN;
        }
        var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ToArray();
        double ap = 0, previousRecall = 0;
        long tp = 0, fp = 0;
        for (int i = 0; i < order.Length; i++)
        {
            if (labels[order[i]] == positive)
            {
                tp++;
            }
            else
            {
                fp++;
            }
            bool lastOfThreshold = i == order.Length - 1 || scores[order[i + 1]] != scores[order[i]];
            if (lastOfThreshold)
            {
                double recall = (double)tp / positives;
                ap += (recall - previousRecall) * tp / (tp + fp);
                previousRecall = recall;
            }
        }
        return ap;
    }

    /// <summary>
    /// The detail of several models evaluated on the same split (KD consensus: every client's own model): rates are the
    /// mean over the models, as the consensus accuracy and macro-F1 are; the confusion matrix is their sum (pooled).
    /// </summary>
    public static EvalDetail Mean(IReadOnlyList<EvalDetail> details)
    {
        ArgumentOutOfRangeException.ThrowIfZero(details.Count);
        int classes = details[0].Confusion.Length;
        var pooled = new long[classes][];
        for (int c = 0; c < classes; c++)
        {
            pooled[c] = new long[classes];
            for (int k = 0; k < classes; k++)
            {
                pooled[c][k] = details.Sum(d => d.Confusion[c][k]);
            }
        }
        double[] MeanOf(Func<EvalDetail, double[]> pick) => [.. Enumerable.Range(0, classes).Select(c => details.Average(d => pick(d)[c]))];
        bool allAuprc = details.All(d => d.Auprc is not null);
        return new EvalDetail(pooled, details.Average(d => d.BalancedAccuracy), MeanOf(d => d.Precision), MeanOf(d => d.Recall), MeanOf(d => d.F1),
            allAuprc ? details.Average(d => d.Auprc!.Value) : null, allAuprc ? details[0].AuprcClass : null);
    }
}
