using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;

namespace FedLab.Engine.Tests.Evaluation;

/// <summary>The executor holds a validation split out, reports it per round, and chooses the best round on it.</summary>
public sealed class ValidationSelectionTests
{
    public static TheoryData<string> Frameworks => [FedLlmFramework.Id, KdFramework.Id, SplitFramework.Id, CentralizedFramework.Id];

    private static RunSpec Spec(string framework) => TinySpecs.FedLlm(rounds: 3) with { Framework = framework };

    [Theory]
    [MemberData(nameof(Frameworks))]
    public void EveryRound_ReportsValidationAndImbalanceMetrics(string framework)
    {
        var result = TinySpecs.Run(Spec(framework));
        Assert.True(result.Status == RunStatus.Finished, result.Error);
        // 120 kept training examples, 10% held out: 108 train, 12 validation.
        Assert.Equal(108, result.Info.TrainExamples);
        foreach (var round in result.Rounds)
        {
            var extra = round.Extra!;
            Assert.InRange(extra[EvaluationExtras.ValidationAccuracy], 0, 1);
            Assert.InRange(extra[EvaluationExtras.TestBalancedAccuracy], 0, 1);
            Assert.InRange(extra[EvaluationExtras.TestAuprc], 0, 1);
            Assert.True(extra.ContainsKey("test.f1.0") && extra.ContainsKey("test.f1.1"));
            // The confusion matrix adds up to the test split (KD consensus: pooled over the clients' own models) and
            // its diagonal to the accuracy (the consensus accuracy is the mean over clients of equal-size evaluations).
            double total = extra["test.confusion.0.0"] + extra["test.confusion.0.1"] + extra["test.confusion.1.0"] + extra["test.confusion.1.1"];
            Assert.Equal(framework == KdFramework.Id ? 3 * round.Global.Examples : round.Global.Examples, total);
            Assert.Equal(round.Global.Accuracy, (extra["test.confusion.0.0"] + extra["test.confusion.1.1"]) / total, 12);
        }
        var zero = result.Rounds[0].Extra!;
        Assert.Equal(12, zero["validation.classCount.0"] + zero["validation.classCount.1"]);
        Assert.Equal(40, zero["test.classCount.0"] + zero["test.classCount.1"]);
        Assert.Equal(108, zero["train.classCount.0"] + zero["train.classCount.1"]);
    }

    [Fact]
    public void BestRound_IsChosenOnValidation_NeverRoundZero()
    {
        var result = TinySpecs.Run(Spec(FedLlmFramework.Id));
        var best = result.BestRound!;
        Assert.Equal(SelectionBasis.Validation, best.Basis);
        Assert.NotEqual(0, best.Round);
        var trained = result.Rounds.Where(r => r.Round > 0).ToList();
        double bestValidation = trained.Max(r => r.Extra![EvaluationExtras.ValidationAccuracy]);
        Assert.Equal(trained.First(r => r.Extra![EvaluationExtras.ValidationAccuracy] == bestValidation).Round, best.Round);
        Assert.Equal(result.Rounds.Single(r => r.Round == best.Round).Global.Accuracy, result.BestAccuracy);
    }

    [Fact]
    public void NoValidationSplit_TrainsOnEveryKeptExample_AndTheBestIsTheFinalRound()
    {
        var spec = Spec(FedLlmFramework.Id) with { Dataset = Spec(FedLlmFramework.Id).Dataset with { ValidationFraction = 0 } };
        var result = TinySpecs.Run(spec);
        Assert.Equal(120, result.Info.TrainExamples);
        Assert.All(result.Rounds, r => Assert.False(r.Extra!.ContainsKey(EvaluationExtras.ValidationAccuracy)));
        Assert.Equal(new SelectedRound(3, SelectionBasis.FinalRound), result.BestRound);
    }

    [Fact]
    public void EarlyStopping_EndsTheRunWhenValidationStopsImproving()
    {
        var spec = TinySpecs.FedLlm(rounds: 30) with { Training = TinySpecs.FedLlm().Training with { Rounds = 30, EarlyStoppingPatience = 1 } };
        var result = TinySpecs.Run(spec);
        Assert.Equal(RunStatus.Finished, result.Status);
        int last = result.Rounds[^1].Round;
        Assert.True(last < 30, "a tiny model's validation accuracy does not rise 30 rounds in a row");
        // It stopped at the first round that did not beat the best before it.
        var v = result.Rounds.Where(r => r.Round > 0).Select(r => r.Extra![EvaluationExtras.ValidationAccuracy]).ToList();
        Assert.True(v[^1] <= v.Take(v.Count - 1).Max());
        Assert.True(v.Take(v.Count - 1).Zip(v.Skip(1).Take(v.Count - 2)).All(p => p.Second > p.First));
    }
}
