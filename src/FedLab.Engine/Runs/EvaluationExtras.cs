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

    /// <summary>Above this many classes the per-round confusion matrix (classes² numbers) is not stored.</summary>
    public const int MaxConfusionClasses = 20;

    public static string PerClass(string split, string metric, int classIndex) => $"{split}.{metric}.{I(classIndex)}";

    public static string Confusion(string split, int trueClass, int predictedClass) => $"{split}.confusion.{I(trueClass)}.{I(predictedClass)}";

    public static string ClassCount(string split, int classIndex) => $"{split}.classCount.{I(classIndex)}";

    public static double? Get(IReadOnlyDictionary<string, double>? extra, string name) =>
        extra is not null && extra.TryGetValue(name, out var v) ? v : null;

    /// <summary>The extras of one round: the test detail, the validation metrics, and (round 0) each split's class counts.</summary>
    public static Dictionary<string, double> For(EvalMetrics test, EvalMetrics? validation, IReadOnlyDictionary<string, int[]>? splitClassCounts)
    {
        var extra = new Dictionary<string, double>(StringComparer.Ordinal);
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
