using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks;

/// <summary>
/// One federated framework, driven round by round by the executor (the Flower "strategy" idea: configure,
/// run clients, aggregate; the executor evaluates and reports). Split learning keeps its own per-batch
/// loop inside <see cref="RunRound"/> rather than bending a FedAvg template.
/// </summary>
public interface IFederatedAlgorithm : IDisposable
{
    /// <summary>
    /// Runs round <paramref name="round"/> (1-based) with the sampled clients, their work going through the run's
    /// client runner; reports each client as it finishes or fails.
    /// </summary>
    RoundOutcome RunRound(int round, IReadOnlyList<int> clients, ClientReports reports, CancellationToken ct);

    /// <summary>Evaluates the current global model on the test split.</summary>
    EvalMetrics Evaluate(CancellationToken ct);

    /// <summary>
    /// Everything the framework carries from one round to the next (global state, server optimizer moments,
    /// per-client states it keeps), by unique name. Saved after every round; with the run seed this is enough
    /// to continue bit-identically, because all randomness derives from (seed, round, client).
    /// </summary>
    IEnumerable<KeyValuePair<string, Tensor>> CheckpointState();

    /// <summary>Restores what <see cref="CheckpointState"/> saved, into a freshly created framework.</summary>
    void RestoreState(SafeTensorsFile state);
}

/// <summary>
/// What a round produced: the clients that finished and those that failed (both already reported), server time, and
/// any further named metrics of the round (<see cref="MetricNames"/>; merged into <see cref="RoundMetrics.Extra"/>).
/// </summary>
public sealed record RoundOutcome(IReadOnlyList<ClientRoundMetrics> Clients, double ServerSeconds, IReadOnlyList<ClientFailure>? Failures = null,
    IReadOnlyDictionary<string, double>? Extra = null)
{
    public IReadOnlyList<ClientFailure> FailedClients => Failures ?? [];
}
