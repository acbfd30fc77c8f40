using FedLab.Engine.Runs;

namespace FedLab.Engine.Frameworks;

/// <summary>
/// Implemented by frameworks that can evaluate on the run's validation split (<see cref="Federation.RunEnvironment.Validation"/>)
/// the same model whose test metrics <see cref="IFederatedAlgorithm.Evaluate"/> reports (the global model; the mean of
/// the clients' own models for KD consensus; the server model for split). The executor calls it after
/// <see cref="IFederatedAlgorithm.Evaluate"/> when the run has a validation split, and chooses the best round and early
/// stopping on it. A framework without it reports no validation metrics; its best round is then the final one.
/// </summary>
public interface IValidationEvaluation
{
    EvalMetrics EvaluateValidation(CancellationToken ct);
}
