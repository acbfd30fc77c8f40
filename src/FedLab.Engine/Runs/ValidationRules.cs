using FedLab.Engine.Datasets;

namespace FedLab.Engine.Runs;

/// <summary>The spec rules of the validation split and early stopping (called by <see cref="RunSpecValidator"/>).</summary>
internal static class ValidationRules
{
    public static void Check(RunSpec spec, Action<bool, string, string> check, Action<double, double, double, string> range)
    {
        var d = spec.Dataset;
        range(d.ValidationFraction, 0, ValidationSplit.MaxFraction, "dataset.validationFraction");
        if (d.ValidationSize is int size)
        {
            check(size >= 1, "dataset.validationSize", $"must be at least 1 (or leave it out and set validationFraction), got {size}");
            if (d.TrainLimit is int limit && size >= 1)
            {
                check(size <= limit - spec.Partition.Clients, "dataset.validationSize",
                    $"must leave at least one training example per client: at most {Math.Max(0, limit - spec.Partition.Clients)} of the {limit} the train limit keeps, got {size}");
            }
        }
    }

    public static void CheckEarlyStopping(RunSpec spec, Action<bool, string, string> check, Action<double, double, double, string> range)
    {
        if (spec.Training.EarlyStoppingPatience is not int patience)
        {
            return;
        }
        range(patience, 1, RunSpecValidator.MaxRounds, "training.earlyStoppingPatience");
        bool hasValidation = spec.Dataset.ValidationSize is > 0 || (spec.Dataset.ValidationSize is null && spec.Dataset.ValidationFraction > 0);
        check(hasValidation, "training.earlyStoppingPatience", "needs a validation split: set dataset.validationFraction above 0 or dataset.validationSize");
    }
}
