using FedLab.Engine.Models;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Frameworks.SplitFedLlm;

/// <summary>Validation of <see cref="SplitOptions"/>: the cut must leave at least one block on each side.</summary>
public static class SplitOptionsRules
{
    public static IEnumerable<SpecError> Validate(RunSpec spec)
    {
        var split = spec.Split;
        if (!Enum.IsDefined(split.Variant))
        {
            yield return new("split.variant", "must be sequential or splitfed");
        }
        if (!Enum.IsDefined(split.ActivationPrecision))
        {
            yield return new("split.activationPrecision", "must be fp32 or fp16");
        }
        if (ModelCatalog.Find(spec.Model) is { } info)
        {
            int layers = info.Shape.Layers;
            if (layers < 2)
            {
                yield return new("split.cutLayer", $"{info.Id} has {layers} layer; a split needs at least 2");
            }
            else if (split.CutLayer < 1 || split.CutLayer > layers - 1)
            {
                yield return new("split.cutLayer", $"must be between 1 and {layers - 1} ({info.Id} has {layers} layers), got {split.CutLayer}");
            }
        }
    }
}
