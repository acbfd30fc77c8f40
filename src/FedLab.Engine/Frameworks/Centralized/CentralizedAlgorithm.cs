using System.Diagnostics;
using FedLab.Engine.Federation;
using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.Centralized;

/// <summary>
/// The reference: one party holds all training data and trains the same model with the same optimizer and
/// the same step budget per round as the federated clients together (sampled clients × their local steps).
/// Nothing travels, so it bounds what federation can reach for that compute.
/// </summary>
public sealed class CentralizedAlgorithm(RunEnvironment env) : IFederatedAlgorithm, IValidationEvaluation
{
    private readonly LocalTrainer _trainer = new(env);
    private readonly int[] _all = Enumerable.Range(0, env.Train.Count).ToArray();

    public RoundOutcome RunRound(int round, IReadOnlyList<int> clients, ClientReports reports, CancellationToken ct)
    {
        int steps = clients.Sum(c => _trainer.StepsFor(env.Partition.ClientIndices[c].Length));
        var clock = Stopwatch.StartNew();
        var result = _trainer.Train(_all, steps, SeedMix.Derive(env.Spec.Seed, round, -1), null, 0, ct);
        var none = new Dictionary<PayloadKind, long>();
        var metrics = new ClientRoundMetrics(round, 0, result.Examples, result.Steps, result.MeanLoss, 0, 0, none, none, result.Flops, clock.Elapsed.TotalSeconds);
        reports.Finished(metrics);
        return new RoundOutcome([metrics], 0);
    }

    public EvalMetrics Evaluate(CancellationToken ct) => Evaluator.Evaluate(env, env.Test, ct);

    public EvalMetrics EvaluateValidation(CancellationToken ct) => Evaluator.Evaluate(env, env.Validation, ct);

    public IEnumerable<KeyValuePair<string, Tensor>> CheckpointState() =>
        env.Trainable.Select(p => new KeyValuePair<string, Tensor>("global." + p.Name, p.Parameter));

    public void RestoreState(SafeTensorsFile state)
    {
        using var _ = no_grad();
        foreach (var (name, parameter) in env.Trainable)
        {
            parameter.copy_(state["global." + name]);
        }
    }

    public void Dispose()
    {
    }
}
