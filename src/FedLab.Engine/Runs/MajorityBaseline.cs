namespace FedLab.Engine.Runs;

/// <summary>
/// What a model that always predicts the split's most frequent class scores: its accuracy (that class's share), its
/// macro-F1 (that class's F1, 2p/(1+p), over the class count; the best any constant predictor reaches), and the
/// binomial standard error of an accuracy measured on this many examples. A run whose accuracy is within
/// <see cref="NoiseStandardErrors"/> standard errors of the baseline, or whose macro-F1 is at the constant
/// predictor's level, has not shown that it learnt anything (<see cref="IsAtBaseline"/>).
/// </summary>
public sealed record MajorityBaseline(int MajorityClass, int Examples, double Accuracy, double MacroF1, double StandardError)
{
    /// <summary>How many binomial standard errors above the baseline an accuracy must be to count as above it.</summary>
    public const double NoiseStandardErrors = 2;

    /// <summary>How far above the constant predictor's macro-F1 a run must be to count as above it.</summary>
    public const double MacroF1Tolerance = 0.01;

    /// <summary>The baseline of a split with these class counts; null when the split is empty.</summary>
    public static MajorityBaseline? FromCounts(IReadOnlyList<int> classCounts)
    {
        int n = classCounts.Sum();
        if (n == 0 || classCounts.Count == 0)
        {
            return null;
        }
        int majority = 0;
        for (int c = 1; c < classCounts.Count; c++)
        {
            if (classCounts[c] > classCounts[majority])
            {
                majority = c;
            }
        }
        double p = (double)classCounts[majority] / n;
        return new MajorityBaseline(majority, n, p, 2 * p / (1 + p) / classCounts.Count, Math.Sqrt(p * (1 - p) / n));
    }

    /// <summary>The accuracy a run must exceed to be above the noise of the baseline.</summary>
    public double NoiseCeiling => Accuracy + NoiseStandardErrors * StandardError;

    public bool AccuracyAtBaseline(double accuracy) => accuracy <= NoiseCeiling;

    public bool MacroF1AtBaseline(double macroF1) => macroF1 <= MacroF1 + MacroF1Tolerance;

    public bool IsAtBaseline(double accuracy, double macroF1) => AccuracyAtBaseline(accuracy) || MacroF1AtBaseline(macroF1);

    /// <summary>The default cost-to-target accuracy: halfway between the baseline and 100%.</summary>
    public double DefaultTarget => Accuracy + (1 - Accuracy) / 2;

    /// <summary>The default cost-to-target macro-F1: halfway between the constant predictor's and 1.</summary>
    public double DefaultMacroF1Target => MacroF1 + (1 - MacroF1) / 2;

    /// <summary>Why a run is flagged, in words; null when it is not.</summary>
    public string? Warning(double accuracy, double macroF1)
    {
        var reasons = new List<string>();
        if (AccuracyAtBaseline(accuracy))
        {
            reasons.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"accuracy {accuracy:P1} is within {NoiseStandardErrors:0} standard errors (±{StandardError:P1}) of always predicting the majority class ({Accuracy:P1})"));
        }
        if (MacroF1AtBaseline(macroF1))
        {
            reasons.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"macro-F1 {macroF1:0.000} is at the level of a constant predictor ({MacroF1:0.000})"));
        }
        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }
}
