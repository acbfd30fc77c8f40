using FedLab.Engine.Runs;

namespace FedLab.Engine.Tests.Evaluation;

public sealed class EvalDetailTests
{
    [Fact]
    public void AveragePrecision_MatchesScikitLearnsExample()
    {
        // sklearn.metrics.average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.8333...
        Assert.Equal(0.8333333333, EvalDetail.AveragePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], positive: 1), 9);
        // Class 0 ranks by 1 - p: [0.9, 0.6, 0.65, 0.2] -> 0 at ranks 1 and 3 -> (1 + 2/3) / 2.
        Assert.Equal((1 + 2.0 / 3) / 2, EvalDetail.AveragePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], positive: 0), 12);
    }

    [Fact]
    public void AveragePrecision_TiedScoresFormOneThreshold()
    {
        // A constant scorer: one threshold, precision = prevalence, whatever the order of the ties.
        Assert.Equal(0.25, EvalDetail.AveragePrecision([1, 0, 0, 0], [0.5, 0.5, 0.5, 0.5], positive: 1), 12);
        Assert.Equal(0.25, EvalDetail.AveragePrecision([0, 0, 0, 1], [0.5, 0.5, 0.5, 0.5], positive: 1), 12);
    }

    [Fact]
    public void MajorityPredictor_HasBalancedAccuracyOneHalf_AndZeroF1ForTheMinority()
    {
        // 11 of 12 are class 0; the model predicts class 0 for all.
        var confusion = new long[,] { { 11, 0 }, { 1, 0 } };
        var labels = Enumerable.Repeat(0, 11).Append(1).ToArray();
        var p1 = Enumerable.Repeat(0.1, 12).ToArray();
        var d = EvalDetail.From(confusion, labels, p1);
        Assert.Equal(0.5, d.BalancedAccuracy, 12);
        Assert.Equal([11.0 / 12, 0], d.Precision);
        Assert.Equal([1.0, 0], d.Recall);
        Assert.Equal(0, d.F1[1]);
        Assert.Equal(1, d.AuprcClass); // the minority class
        Assert.Equal(1.0 / 12, d.Auprc!.Value, 12); // a constant score: AUPRC = prevalence
        Assert.Equal([[11L, 0L], [1L, 0L]], d.Confusion);
    }

    [Fact]
    public void MultiClass_HasNoAuprc_AndBalancedAccuracySkipsAbsentClasses()
    {
        var confusion = new long[,] { { 2, 1, 0 }, { 0, 3, 0 }, { 0, 0, 0 } };
        var d = EvalDetail.From(confusion);
        Assert.Null(d.Auprc);
        Assert.Equal((2.0 / 3 + 1) / 2, d.BalancedAccuracy, 12);
    }

    [Fact]
    public void Mean_AveragesRates_AndPoolsTheConfusion()
    {
        var a = EvalDetail.From(new long[,] { { 2, 0 }, { 0, 2 } }, [0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]);
        var b = EvalDetail.From(new long[,] { { 2, 0 }, { 2, 0 } }, [0, 0, 1, 1], [0.1, 0.1, 0.1, 0.1]);
        var m = EvalDetail.Mean([a, b]);
        Assert.Equal((1 + 0.5) / 2, m.BalancedAccuracy, 12);
        Assert.Equal([[4L, 0L], [2L, 2L]], m.Confusion);
        Assert.Equal((1 + 0.5) / 2, m.Auprc!.Value, 12);
    }

    [Fact]
    public void MajorityBaseline_OfTheIssuesTestSplit()
    {
        // 300 test examples, 275 of one class (91.67%): the issue's FedLLM headline of 92.0% sits on it.
        var b = MajorityBaseline.FromCounts([25, 275])!;
        Assert.Equal(1, b.MajorityClass);
        Assert.Equal(275.0 / 300, b.Accuracy, 12);
        double p = 275.0 / 300;
        Assert.Equal(2 * p / (1 + p) / 2, b.MacroF1, 12);
        Assert.Equal(Math.Sqrt(p * (1 - p) / 300), b.StandardError, 12);
        Assert.True(b.IsAtBaseline(0.92, 0.48));
        Assert.NotNull(b.Warning(0.92, 0.48));
        Assert.False(b.IsAtBaseline(0.99, 0.97));
        Assert.Null(b.Warning(0.99, 0.97));
        Assert.True(b.DefaultTarget > b.NoiseCeiling);
        Assert.Equal(p + (1 - p) / 2, b.DefaultTarget, 12);
    }

    [Fact]
    public void RoundSelection_NeverPicksRoundZero_AndUsesValidation()
    {
        // Round 0 has the highest validation score and round 2 the best after it; round 3's test is irrelevant.
        var best = RoundSelection.Best([(0, 0.99), (1, 0.5), (2, 0.8), (3, 0.7)]);
        Assert.Equal(new SelectedRound(2, SelectionBasis.Validation), best);
        Assert.Equal(new SelectedRound(1, SelectionBasis.Validation), RoundSelection.Best([(0, 0.9), (1, 0.8), (2, 0.8)]));
        Assert.Equal(new SelectedRound(3, SelectionBasis.FinalRound), RoundSelection.Best([(0, null), (1, null), (2, null), (3, null)]));
        Assert.Null(RoundSelection.Best([(0, 0.9)]));
        Assert.Equal(new SelectedRound(2, SelectionBasis.Validation), RoundSelection.Best([(1, 0.3), (2, 0.2)], higherIsBetter: false));
    }
}
