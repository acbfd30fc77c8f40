using System.Globalization;

namespace FedLab.Engine.Runs;

/// <summary>
/// The names of the evaluation metrics a round reports in <see cref="RoundMetrics.Extra"/> (the open metric set), and
/// how the executor builds them. Prefix "test." is the test split (reported, never used for selection), "validation."
/// the validation split (selection and early stopping). Per-class names end with the class index (see
/// <see cref="RunInfo.ClassNames"/>): "test.f1.1", "test.confusion.0.1" (true class 0 predicted as 1). Round 0 also
/// carries the class counts of every split ("test.classCount.1"), from which the majority baseline follows.
/// </summary>
public static class EvaluationExtras
{
    public const string ValidationAccuracy = "validation.accuracy";
    public const string ValidationMacroF1 = "validation.macroF1";
    public const string ValidationLoss = "validation.loss";
    public const string ValidationBalancedAccuracy = "validation.balancedAccuracy";
    public const string TestBalancedAccuracy = "test.balancedAccuracy";
    public const string TestAuprc = "test.auprc";
    public const string TestLoss = "test.loss";
    public const string TestPerplexity = "test.perplexity";
    public const string TestExactMatch = "test.exactMatch";

    /// <summary>Above this many classes the per-round confusion matrix (classes² numbers) is not stored.</summary>
    public const int MaxConfusionClasses = 20;

    public static string PerClass(string split, string metric, int classIndex) => $"{split}.{metric}.{I(classIndex)}";

    public static string Confusion(string split, int trueClass, int predictedClass) => $"{split}.confusion.{I(trueClass)}.{I(predictedClass)}";

    public static string ClassCount(string split, int classIndex) => $"{split}.classCount.{I(classIndex)}";

    public static double? Get(IReadOnlyDictionary<string, double>? extra, string name) =>
        extra is not null && extra.TryGetValue(name, out var v) ? v : null;

    /// <summary>The extras of one round: the test detail, the validation metrics, and (round 0) each split's class counts.</summary>
    /// <param name="generative">
    /// A generative run: its metrics' accuracy is exact match and its loss the answer-token cross-entropy; they are also
    /// reported by their own names, with the perplexity exp(loss): "test.loss", "test.perplexity", "test.exactMatch" (and
    /// "validation.*"). Derived from the three checkpointed numbers, so a KD consensus or a resumed run reports them too.
    /// </param>
    public static Dictionary<string, double> For(EvalMetrics test, EvalMetrics? validation, IReadOnlyDictionary<string, int[]>? splitClassCounts, bool generative = false)
    {
        var extra = new Dictionary<string, double>(StringComparer.Ordinal);
        if (generative)
        {
            AddGenerative(extra, "test", test);
            if (validation is not null)
            {
                AddGenerative(extra, "validation", validation);
            }
        }
        AddDetail(extra, "test", test.Detail);
        if (validation is not null)
        {
            extra[ValidationAccuracy] = validation.Accuracy;
            extra[ValidationMacroF1] = validation.MacroF1;
            extra[ValidationLoss] = validation.Loss;
            if (validation.Detail is { } v)
            {
                extra[ValidationBalancedAccuracy] = v.BalancedAccuracy;
                if (v.Auprc is double auprc)
                {
                    extra["validation.auprc"] = auprc;
                }
            }
        }
        foreach (var (split, counts) in splitClassCounts ?? new Dictionary<string, int[]>())
        {
            for (int c = 0; c < counts.Length; c++)
            {
                extra[ClassCount(split, c)] = counts[c];
            }
        }
        return extra;
    }

    private static void AddGenerative(Dictionary<string, double> extra, string split, EvalMetrics metrics)
    {
        extra[$"{split}.loss"] = metrics.Loss;
        extra[$"{split}.perplexity"] = Math.Exp(metrics.Loss);
        extra[$"{split}.exactMatch"] = metrics.Accuracy;
    }

    private static void AddDetail(Dictionary<string, double> extra, string split, EvalDetail? detail)
    {
        if (detail is null)
        {
            return;
        }
        extra[$"{split}.balancedAccuracy"] = detail.BalancedAccuracy;
        if (detail.Auprc is double auprc)
        {
            extra[$"{split}.auprc"] = auprc;
        }
        int classes = detail.F1.Length;
        for (int c = 0; c < classes; c++)
        {
            extra[PerClass(split, "precision", c)] = detail.Precision[c];
            extra[PerClass(split, "recall", c)] = detail.Recall[c];
            extra[PerClass(split, "f1", c)] = detail.F1[c];
        }
        if (classes <= MaxConfusionClasses)
        {
            for (int t = 0; t < classes; t++)
            {
                for (int p = 0; p < classes; p++)
                {
                    extra[Confusion(split, t, p)] = detail.Confusion[t][p];
                }
            }
        }
    }

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);
}
