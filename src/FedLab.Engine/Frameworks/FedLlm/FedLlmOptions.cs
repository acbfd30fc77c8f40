namespace FedLab.Engine.Frameworks.FedLlm;

public sealed record FedLlmOptions
{
    /// <summary>FedProx proximal term weight mu (0 = FedAvg).</summary>
    public double ProxMu { get; init; }

    public ServerOptimizerKind ServerOptimizer { get; init; } = ServerOptimizerKind.None;

    public double ServerLearningRate { get; init; } = 1.0;

    /// <summary>FedAvgM momentum, or FedAdam's beta1.</summary>
    public double ServerMomentum { get; init; } = 0.9;

    /// <summary>FedAdam's beta2.</summary>
    public double ServerBeta2 { get; init; } = 0.99;

    /// <summary>FedAdam's adaptivity tau.</summary>
    public double ServerEpsilon { get; init; } = 1e-3;
}
