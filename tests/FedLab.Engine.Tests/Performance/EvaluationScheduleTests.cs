using FedLab.Engine.Federation;
using FedLab.Engine.Performance;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;

namespace FedLab.Engine.Tests.Performance;

/// <summary>Issue 16: evaluation.everyRounds, evaluation.subset and the frozen-prefix reuse.</summary>
public sealed class EvaluationScheduleTests
{
    [Fact]
    public void EveryRounds_EvaluatesRoundZero_EveryNth_AndTheLast_RepeatingTheRest()
    {
        var spec = TinySpecs.FedLlm(rounds: 5) with { Evaluation = new EvaluationSpec { EveryRounds = 2 } };
        var result = TinySpecs.Run(spec);
        Assert.True(result.Status == RunStatus.Finished, result.Error);
        var from = result.Rounds.ToDictionary(r => r.Round, r => EvaluationExtras.Get(r.Extra, EvaluationSchedule.FromRound));
        Assert.Equal([null, 0.0, null, 2.0, null, null], Enumerable.Range(0, 6).Select(r => from[r]));
        Assert.Equal(result.Rounds[0].Global.Accuracy, result.Rounds[1].Global.Accuracy);
        Assert.Equal(result.Rounds[2].Global.Loss, result.Rounds[3].Global.Loss);
        // Evaluated rounds are the same numbers as a run that evaluates every round (training does not depend on it).
        var every = TinySpecs.Run(spec with { Evaluation = null });
        foreach (int r in new[] { 0, 2, 4, 5 })
        {
            Assert.Equal(every.Rounds[r].Global, result.Rounds[r].Global);
        }
    }

    [Fact]
    public void Subset_IsFixedAcrossRounds_AndTheLastRoundUsesTheWholeTestSplit()
    {
        var spec = TinySpecs.FedLlm(rounds: 3) with { Evaluation = new EvaluationSpec { Subset = 15 } };
        var result = TinySpecs.Run(spec);
        Assert.True(result.Status == RunStatus.Finished, result.Error);
        Assert.Equal([15, 15, 15, 40], result.Rounds.Select(r => r.Global.Examples));
        var full = TinySpecs.Run(spec with { Evaluation = null });
        Assert.Equal(full.Rounds[^1].Global, result.Rounds[^1].Global);
    }

    [Fact]
    public void StratifiedSubset_KeepsClassShares_IsSeeded_AndInSetOrder()
    {
        var labels = Enumerable.Range(0, 100).Select(i => i < 70 ? 0 : 1).ToArray();
        var set = new TokenizedSet(labels.Select((_, i) => new[] { i }).ToArray(), labels, 0);
        var a = EvaluationState.StratifiedSubset(set, 10, 42, 2);
        var b = EvaluationState.StratifiedSubset(set, 10, 42, 2);
        var c = EvaluationState.StratifiedSubset(set, 10, 43, 2);
        Assert.Equal((7, 3), (a.Labels.Count(l => l == 0), a.Labels.Count(l => l == 1)));
        Assert.Equal(a.Ids.Select(x => x[0]), b.Ids.Select(x => x[0]));
        Assert.NotEqual(a.Ids.Select(x => x[0]), c.Ids.Select(x => x[0]));
        Assert.Equal(a.Ids.Select(x => x[0]).Order(), a.Ids.Select(x => x[0]));
    }

    [Fact]
    public void HeadOnlyPrefixReuse_GivesBitIdenticalMetrics()
    {
        var spec = TinySpecs.FedLlm(rounds: 3, mode: FineTuneKind.HeadOnly) with { Dataset = TinySpecs.FedLlm().Dataset with { ValidationFraction = 0.2 } };
        var reused = TinySpecs.Run(spec);
        var fresh = TinySpecs.Run(spec with { Evaluation = new EvaluationSpec { ReuseFrozenPrefix = false } });
        Assert.True(reused.Status == RunStatus.Finished, reused.Error);
        Assert.Equal(fresh.Rounds.Select(r => r.Global), reused.Rounds.Select(r => r.Global));
        Assert.Equal(fresh.Rounds.Select(r => r.Extra?.Count), reused.Rounds.Select(r => r.Extra?.Count));
        Assert.Equal(fresh.Rounds.Select(r => EvaluationExtras.Get(r.Extra, EvaluationExtras.ValidationLoss)), reused.Rounds.Select(r => EvaluationExtras.Get(r.Extra, EvaluationExtras.ValidationLoss)));
    }

    [Fact]
    public void PrefixCache_IsUsedOnlyForHeadOnly()
    {
        using var headOnly = RunEnvironment.Create(TinySpecs.FedLlm(mode: FineTuneKind.HeadOnly), TinySpecs.Engine);
        Assert.NotNull(headOnly.Evaluation.PrefixFor(headOnly, headOnly.Model, headOnly.Test));
        using var lora = RunEnvironment.Create(TinySpecs.FedLlm(), TinySpecs.Engine);
        Assert.Null(lora.Evaluation.PrefixFor(lora, lora.Model, lora.Test));
    }

    [Theory]
    [InlineData(0, null, "evaluation.everyRounds")]
    [InlineData(1, 0, "evaluation.subset")]
    public void BadEvaluationSettings_AreRefusedAtTheirPath(int every, int? subset, string field)
    {
        var spec = TinySpecs.FedLlm() with { Evaluation = new EvaluationSpec { EveryRounds = every, Subset = subset } };
        var error = Assert.Single(new RunSpecValidator(() => false).Validate(spec));
        Assert.Equal(field, error.Field);
    }
}
