using FedLab.Engine.Runs;

namespace FedLab.Engine.Frameworks;

/// <summary>
/// One federated framework, driven round by round by the executor (the Flower "strategy" idea: configure,
/// run clients, aggregate; the executor evaluates and reports). Split learning keeps its own per-batch
/// loop inside <see cref="RunRound"/> rather than bending a FedAvg template.
/// </summary>
public interface IFederatedAlgorithm : IDisposable
{
    /// <summary>Runs round <paramref name="round"/> (1-based) with the sampled clients; reports each client as it finishes.</summary>
    RoundOutcome RunRound(int round, IReadOnlyList<int> clients, Action<ClientRoundMetrics> clientFinished, CancellationToken ct);

    /// <summary>Evaluates the current global model on the test split.</summary>
    EvalMetrics Evaluate(CancellationToken ct);
}

/// <summary>What a round produced besides the per-client metrics already reported.</summary>
public sealed record RoundOutcome(IReadOnlyList<ClientRoundMetrics> Clients, double ServerSeconds);
