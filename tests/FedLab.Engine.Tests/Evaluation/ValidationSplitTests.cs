using FedLab.Engine.Datasets;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;

namespace FedLab.Engine.Tests.Evaluation;

public sealed class ValidationSplitTests
{
    private static readonly int[] Labels = [.. Enumerable.Range(0, 200).Select(i => i % 10 == 0 ? 1 : 0)]; // 10% class 1

    private static RunSpec Spec(double fraction = 0.1, int? size = null, int seed = 5) =>
        TinySpecs.FedLlm(seed: seed) with { Dataset = TinySpecs.FedLlm().Dataset with { ValidationFraction = fraction, ValidationSize = size } };

    [Fact]
    public void Split_IsStratified_Disjoint_AndSeeded()
    {
        var items = Enumerable.Range(0, Labels.Length).ToArray();
        var (train, validation) = ValidationSplit.Split(items, i => Labels[i], 2, Spec());
        Assert.Equal(20, validation.Count);
        Assert.Equal(180, train.Count);
        Assert.Empty(train.Intersect(validation));
        Assert.Equal(2, validation.Count(i => Labels[i] == 1)); // 10% of 20, as in the pool
        Assert.Equal(validation, ValidationSplit.Split(items, i => Labels[i], 2, Spec()).Validation);
        Assert.NotEqual(validation, ValidationSplit.Split(items, i => Labels[i], 2, Spec(seed: 6)).Validation);
        Assert.True(train.SequenceEqual(train.Order())); // original order kept
    }

    [Fact]
    public void NoValidation_LeavesThePoolUntouched_AndASizeIsExact()
    {
        var items = Enumerable.Range(0, Labels.Length).ToArray();
        var (train, validation) = ValidationSplit.Split(items, i => Labels[i], 2, Spec(fraction: 0));
        Assert.Same(items, train);
        Assert.Empty(validation);
        Assert.Equal(37, ValidationSplit.Split(items, i => Labels[i], 2, Spec(size: 37)).Validation.Count);
    }

    [Fact]
    public void Quotas_KeepATrainingExamplePerClass()
    {
        Assert.Equal([1, 0], ValidationSplit.Quotas([2, 1], 1));
        Assert.Equal(5, ValidationSplit.Quotas([3, 3, 3], 5).Sum());
        Assert.All(ValidationSplit.Quotas([3, 3, 3], 6).Zip([3, 3, 3]), q => Assert.True(q.First <= q.Second - 1));
    }

    [Fact]
    public void Validator_NamesTheFields()
    {
        var errors = new RunSpecValidator().Validate(Spec(fraction: 0.7) with { Training = TinySpecs.FedLlm().Training with { EarlyStoppingPatience = 0 } });
        Assert.Contains(errors, e => e.Field == "dataset.validationFraction");
        Assert.Contains(errors, e => e.Field == "training.earlyStoppingPatience");
        var noSplit = new RunSpecValidator().Validate(Spec(fraction: 0) with { Training = TinySpecs.FedLlm().Training with { EarlyStoppingPatience = 2 } });
        Assert.Equal("training.earlyStoppingPatience", Assert.Single(noSplit).Field);
        Assert.Contains(new RunSpecValidator().Validate(Spec(size: 200)), e => e.Field == "dataset.validationSize");
    }
}
