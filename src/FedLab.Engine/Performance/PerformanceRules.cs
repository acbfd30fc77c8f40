using System.Globalization;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Performance;

/// <summary>The spec rules of precision, evaluation scheduling and client batching (called by <see cref="RunSpecValidator"/>).</summary>
public static class PerformanceRules
{
    public const int MaxClientsPerGroup = 256;

    /// <param name="cudaAvailable">Whether TorchSharp reports a CUDA device.</param>
    /// <param name="cpuBf16">Whether the CPU runs bf16 natively; default <see cref="CpuFeatures.SupportsBf16"/>.</param>
    public static IEnumerable<SpecError> Validate(RunSpec spec, Func<bool> cudaAvailable, Func<bool>? cpuBf16 = null)
    {
        bool onCuda = spec.Device == "cuda" || (spec.Device == "auto" && cudaAvailable());
        if (!Enum.IsDefined(spec.Precision))
        {
            yield return new SpecError("precision", "must be fp32, bf16 or fp16");
        }
        else if (spec.Precision == PrecisionKind.Fp16 && !onCuda)
        {
            yield return new SpecError("precision", "fp16 runs only on a CUDA device (this run is on the CPU); use bf16 or fp32");
        }
        else if (spec.Precision == PrecisionKind.Bf16 && !onCuda && !(cpuBf16 ?? (() => CpuFeatures.SupportsBf16))())
        {
            yield return new SpecError("precision", "bf16 on the CPU needs AVX-512 BF16 or AMX (the avx512_bf16 or amx_bf16 flag in /proc/cpuinfo), which this CPU does not report; use fp32");
        }

        if (spec.Evaluation is { } e)
        {
            if (e.EveryRounds < 1 || e.EveryRounds > RunSpecValidator.MaxRounds)
            {
                yield return new SpecError("evaluation.everyRounds", $"must be between 1 and {RunSpecValidator.MaxRounds}, got {e.EveryRounds}");
            }
            if (e.Subset is int subset && subset < 1)
            {
                yield return new SpecError("evaluation.subset", $"must be at least 1 test example (or leave it out for the whole test split), got {subset}");
            }
        }

        if (spec.ClientBatching is { } b && (b.MaxClientsPerGroup < 1 || b.MaxClientsPerGroup > MaxClientsPerGroup))
        {
            yield return new SpecError("clientBatching.maxClientsPerGroup", $"must be between 1 and {MaxClientsPerGroup}, got {b.MaxClientsPerGroup.ToString(CultureInfo.InvariantCulture)}");
        }
    }
}
