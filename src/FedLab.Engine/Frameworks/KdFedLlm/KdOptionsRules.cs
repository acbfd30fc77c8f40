using System.Globalization;
using FedLab.Engine.Models;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Frameworks.KdFedLlm;

/// <summary>Validation of <see cref="KdOptions"/>: plain ranges, plus the rules that need the dataset's class count and public split.</summary>
public static class KdOptionsRules
{
    public const double MinTemperature = 0.05;

    public static IEnumerable<SpecError> Validate(RunSpec spec, DatasetFacts? facts)
    {
        var kd = spec.Kd;
        if (!Enum.IsDefined(kd.Variant))
        {
            yield return new("kd.variant", "must be consensus or server-distillation");
        }
        if (!Enum.IsDefined(kd.Aggregation))
        {
            yield return new("kd.aggregation", "must be examples or confidence");
        }
        if (!Enum.IsDefined(kd.LogitPrecision))
        {
            yield return new("kd.logitPrecision", "must be fp32 or fp16");
        }
        // Logits are divided by the temperature: far below 1 they overflow float32 and the loss becomes NaN.
        if (!(kd.Temperature >= MinTemperature && kd.Temperature <= 100))
        {
            yield return new("kd.temperature", $"must be between {F(MinTemperature)} and 100, got {F(kd.Temperature)}");
        }
        if (kd.DistillationSteps is < 0 or > 100_000)
        {
            yield return new("kd.distillationSteps", $"must be between 0 and 100000, got {kd.DistillationSteps}");
        }
        if (kd.DistillationLearningRate is double lr && !(lr >= RunSpecValidator.MinLearningRate && lr <= 1))
        {
            yield return new("kd.distillationLearningRate", $"must be between {F(RunSpecValidator.MinLearningRate)} and 1, got {F(lr)}");
        }
        if (kd.ServerDistillationSteps is < 1 or > 100_000)
        {
            yield return new("kd.serverDistillationSteps", $"must be between 1 and 100000, got {kd.ServerDistillationSteps}");
        }
        if (kd.ClientModels.Count > RunSpecValidator.MaxClients)
        {
            yield return new("kd.clientModels", $"lists at most {RunSpecValidator.MaxClients} architectures, got {kd.ClientModels.Count}");
        }
        for (int i = 0; i < kd.ClientModels.Count; i++)
        {
            var entry = kd.ClientModels[i];
            var info = entry is null ? null : ModelCatalog.Find(entry.Model);
            if (info is null)
            {
                yield return new($"kd.clientModels[{i}].model", $"unknown model '{FreeText.Shown(entry?.Model)}'; known models: {string.Join(", ", ModelCatalog.Ids)}");
            }
            else if (entry!.Layers is int layers && (layers < 1 || layers > info.Shape.Layers))
            {
                yield return new($"kd.clientModels[{i}].layers", $"must be between 1 and {info.Shape.Layers} ({info.Id} has {info.Shape.Layers} layers), got {layers}");
            }
        }
        if (kd.PublicSize is int size && size < 1)
        {
            yield return new("kd.publicSize", $"must be at least 1, got {size}");
        }
        if (kd.TopK is int k && k < 1)
        {
            yield return new("kd.topK", $"must be at least 1, got {k}");
        }
        if (facts is not null)
        {
            foreach (var error in AgainstDataset(spec, facts))
            {
                yield return error;
            }
        }
    }

    /// <summary>The rules that need the dataset: checked at validation for bundled data, at load for a user's file.</summary>
    public static IEnumerable<SpecError> AgainstDataset(RunSpec spec, DatasetFacts facts)
    {
        var kd = spec.Kd;
        if (facts.PublicExamples == 0)
        {
            yield return new("dataset.name", $"dataset '{facts.Name}' has no public split; KD needs unlabelled public examples (give some rows the split 'public')");
        }
        else if (kd.PublicSize is int size && size > facts.PublicExamples)
        {
            yield return new("kd.publicSize", $"must be between 1 and the size of the public split ({facts.PublicExamples} examples in {facts.Name}), got {size}");
        }
        // A generative run's rows are over the vocabulary: any k up to it is meaningful (k ≥ vocabulary sends every token).
        if (kd.TopK is int k && k > facts.Classes && !Tasks.TaskSpecExtensions.IsGenerative(spec))
        {
            yield return new("kd.topK", $"must be between 1 and the number of classes ({facts.Classes} in {facts.Name}), got {k}");
        }
    }

    private static string F(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
