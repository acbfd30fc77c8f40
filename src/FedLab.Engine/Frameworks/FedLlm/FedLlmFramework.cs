using System.Globalization;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Frameworks.FedLlm;

/// <summary>FedLLM: clients upload parameters or LoRA adapters; the server averages them (FedAvg, FedProx, FedAvgM, FedAdam).</summary>
public sealed class FedLlmFramework : FrameworkDescriptor, IBuiltInOptions
{
    public const string Id = "fedllm";

    public override string Name => Id;

    public override string DisplayName => "FedLLM";

    public override string? OptionsSection => "fedLlm";

    public override Type? OptionsType => typeof(FedLlmOptions);

    public object Options(RunSpec spec) => spec.FedLlm;

    public override string Variant(RunSpec spec)
    {
        var f = spec.FedLlm;
        var name = f.ServerOptimizer switch { ServerOptimizerKind.Adam => "FedAdam", ServerOptimizerKind.AvgM => "FedAvgM", _ => "FedAvg" };
        return f.ProxMu > 0 ? $"{name} + FedProx μ={f.ProxMu.ToString("G3", CultureInfo.InvariantCulture)}" : name;
    }

    public override IEnumerable<SpecError> Validate(RunSpec spec, FrameworkValidation context)
    {
        var f = spec.FedLlm;
        if (!Enum.IsDefined(f.ServerOptimizer))
        {
            yield return new("fedLlm.serverOptimizer", "must be none, avgm or adam");
        }
        if (!(f.ProxMu >= 0 && f.ProxMu <= 100))
        {
            yield return new("fedLlm.proxMu", $"must be between 0 and 100, got {F(f.ProxMu)}");
        }
        if (!(f.ServerLearningRate >= RunSpecValidator.MinLearningRate && f.ServerLearningRate <= 100))
        {
            yield return new("fedLlm.serverLearningRate", $"must be between {F(RunSpecValidator.MinLearningRate)} and 100, got {F(f.ServerLearningRate)}");
        }
        if (!(f.ServerMomentum >= 0 && f.ServerMomentum < 1))
        {
            yield return new("fedLlm.serverMomentum", $"must be at least 0 and below 1, got {F(f.ServerMomentum)}");
        }
        if (!(f.ServerBeta2 >= 0 && f.ServerBeta2 < 1))
        {
            yield return new("fedLlm.serverBeta2", $"must be at least 0 and below 1, got {F(f.ServerBeta2)}");
        }
        // FedAdam divides by sqrt(v) + ε in float32: an ε below about 1e-12 is 0 there and a zero update becomes NaN.
        if (!(f.ServerEpsilon >= 1e-12 && f.ServerEpsilon <= 1))
        {
            yield return new("fedLlm.serverEpsilon", $"must be between 1E-12 and 1, got {F(f.ServerEpsilon)}");
        }
    }

    public override IFederatedAlgorithm Create(FrameworkContext context) => new FedLlmAlgorithm(context);

    private static string F(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
