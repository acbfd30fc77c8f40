using System.Diagnostics;
using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Availability;
using FedLab.Engine.Federation.Remote;
using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.SplitFedLlm;

/// <summary>
/// Split-FedLLM on the run's one model: the client-side part (embeddings and blocks below the cut, their trainable
/// state) and the server-side part (blocks above the cut and the head) live in the same modules, so nothing is
/// copied but what a real deployment would send. The server-side part is shared by all clients.
/// Sequential (split learning): clients take turns; each downloads the client-side part from the previous holder,
/// trains, and uploads it for the next (Parameters bytes, both ways, for every client).
/// SplitFed: every client downloads the round's client-side part, trains (simulated one after another against the
/// shared server part), and uploads its own; the server averages them weighted by examples, like FedAvg.
/// Per batch, activations + mask and labels go up and the activation gradient comes down (see <see cref="ActivationCodec"/>).
/// </summary>
public sealed class SplitFedLlmAlgorithm : IFederatedAlgorithm, IValidationEvaluation
{
    private readonly RunEnvironment _env;
    private readonly IClientRunner _runner;
    private readonly SplitParts _parts;
    private readonly SplitTrainer _trainer;
    private readonly LocalTrainer _steps;
    private readonly IUpdateAggregator _aggregator;
    private readonly IRemoteSession? _remote;
    private readonly (bool On, int MaxPerGroup) _batching;
    private readonly BatchedSplitTrainer? _batchedTrainer;
    private readonly AvailabilityPlan? _availability;

    public SplitFedLlmAlgorithm(FrameworkContext context)
    {
        _env = context.Environment;
        _runner = context.ClientRunner;
        var options = _env.Spec.Split;
        _parts = SplitParts.Of(_env.Trainable, options.CutLayer);
        var protocol = new SplitProtocol(_env.Model, options.CutLayer, options.ActivationPrecision, _parts.Client.Count > 0, _env.Device);
        _remote = context.OpenRemote();
        // The client half runs here on the run's own model (the same modules as the server half), or on a worker.
        var clients = new SplitClientProgram(_env, _parts, protocol);
        _trainer = _remote is null
            ? new SplitTrainer(_env, _parts, protocol, clients.Handle, carryGenerator: false)
            : new SplitTrainer(_env, _parts, protocol, _remote.Call, carryGenerator: true);
        _steps = new LocalTrainer(_env);
        _aggregator = context.Wrap(new WeightedMeanAggregator());
        // SplitFed's client half in batched groups (issue 16): in-process only; remote clients keep one call per client per batch.
        _batching = _remote is null ? SplitBatching.Setting(_env, context.Engine) : (false, 0);
        if (_batching.On)
        {
            _batchedTrainer = new BatchedSplitTrainer(_env, _parts, protocol);
            _availability = _env.Spec.Availability is null ? null : new AvailabilityPlan(_env.Spec);
        }
    }

    public SplitParts Parts => _parts;

    private sealed record Turn(SplitTurnResult Result, Payload? Upload, int Examples) : IClientWorkload, ISequentialClientWork
    {
        public double Flops => Result.ClientFlops;
    }

    public RoundOutcome RunRound(int round, IReadOnlyList<int> clients, ClientReports reports, CancellationToken ct)
    {
        var serverClock = new Stopwatch();
        bool exchange = _parts.Client.Count > 0; // head-only: the client side is frozen, nothing to pass on
        bool splitFed = _env.Spec.Split.Variant == SplitVariant.SplitFed;

        // Sequential: what the previous holder of the client-side part sends (round 1: the server's initial copy).
        // SplitFed: the round's broadcast; the aggregator averages the uploaded client-side parts.
        Payload? broadcast = null;
        if (exchange)
        {
            using var start = TrainableState.Capture(_parts.Client);
            broadcast = start.Serialize();
            if (splitFed)
            {
                _aggregator.Begin(round, start);
            }
        }
        Payload? current = broadcast;
        double serverSeconds = 0, serverFlops = 0;
        bool lastFailed = false;
        var finished = new List<ClientRoundMetrics>(clients.Count);
        var failed = new List<ClientFailure>();
        // Batched (splitfed only): clients the availability plan drops this round stay out of the groups.
        using var batched = _batchedTrainer is null || !splitFed ? null
            : new BatchedSplitRound(_env, _batchedTrainer, round, clients, broadcast, _batching.MaxPerGroup, _steps.StepsFor, c => _availability?.Unavailable(round, c) is null);
        _runner.Run(round, clients, (task, token) => batched is not null && batched.Contains(task.ClientId)
            ? RunTurnInGroup(batched, task, broadcast, token)
            : RunTurn(task, current, exchange, token), outcome =>
        {
            lastFailed = !outcome.Succeeded;
            if (outcome.Failure is { } failure)
            {
                // Sequential: the next client receives what the last successful holder sent. Batches the failed client
                // completed have already updated the server-side part, as they would in a deployment.
                failed.Add(failure);
                reports.Failed(failure);
                if (splitFed && outcome.Result is { Upload: { } late } lateTurn) // late, kept for a later round (availability.late = stale)
                {
                    using var lateUpdate = TrainableState.Deserialize(late, _env.Device);
                    _aggregator.AddLate(outcome.ClientId, lateUpdate, lateTurn.Examples);
                }
                return;
            }
            var turn = outcome.Result!;
            if (turn.Upload is not null)
            {
                if (splitFed)
                {
                    serverClock.Start();
                    using var update = TrainableState.Deserialize(turn.Upload, _env.Device);
                    _aggregator.Add(outcome.ClientId, update, turn.Examples);
                    serverClock.Stop();
                }
                else
                {
                    current = turn.Upload; // the next client receives exactly these bytes
                }
            }
            var link = outcome.Link;
            var r = turn.Result;
            var metrics = new ClientRoundMetrics(round, outcome.ClientId, r.Examples, r.Steps, r.MeanLoss, link.Down, link.Up,
                link.DownByKind, link.UpByKind, r.ClientFlops, batched?.Contains(outcome.ClientId) == true ? r.ClientSeconds : outcome.Seconds - r.ServerSeconds); // a group's client time is shared by its clients
            finished.Add(metrics);
            reports.Finished(metrics);
            serverSeconds += r.ServerSeconds;
            serverFlops += r.ServerFlops;
        }, ct);

        serverClock.Start();
        if (exchange && splitFed)
        {
            using var mean = _aggregator.Finish();
            using var next = mean ?? TrainableState.Deserialize(broadcast!, _env.Device); // nobody finished: keep the round's start
            next.LoadInto(_parts.Client);
        }
        else if (exchange && current is not null && (lastFailed || _remote is not null))
        {
            // The part the last successful client sent (a remote client trained its own copy, not the server's modules).
            using var held = TrainableState.Deserialize(current, _env.Device);
            held.LoadInto(_parts.Client);
        }
        serverClock.Stop();
        if (exchange && splitFed)
        {
            serverFlops += ServerCost.Aggregation(_parts.Client.Sum(p => p.Parameter.numel()), finished.Count, optimizerFlopsPerValue: 1);
        }
        return new RoundOutcome(finished, serverClock.Elapsed.TotalSeconds + serverSeconds, failed, ServerCost.Extra(serverFlops));
    }

    /// <summary>One client's turn: receive the client-side part, train it against the server (activations up, gradients down every batch), send it on.</summary>
    private Turn RunTurn(ClientTask task, Payload? current, bool exchange, CancellationToken ct)
    {
        var indices = _env.Partition.ClientIndices[task.ClientId];
        var (result, upload) = _trainer.Train(task.Round, task.ClientId, current, _steps.StepsFor(indices.Length), task.Link, ct);
        return new Turn(result, exchange ? upload : null, indices.Length);
    }

    /// <summary>The same turn, its client half trained with its batched group (issue 16): the payloads are the same, counted on the client's link.</summary>
    private Turn RunTurnInGroup(BatchedSplitRound batched, ClientTask task, Payload? broadcast, CancellationToken ct)
    {
        if (broadcast is not null)
        {
            task.Link.Received(broadcast);
        }
        var (result, state) = batched.Take(task.ClientId, task.Link, ct);
        using (state)
        {
            var upload = state is null ? null : task.Link.Sent(state.Serialize());
            return new Turn(result, upload, _env.Partition.ClientIndices[task.ClientId].Length);
        }
    }

    public EvalMetrics Evaluate(CancellationToken ct) => Evaluator.Evaluate(_env, _env.Test, ct);

    public EvalMetrics EvaluateValidation(CancellationToken ct) => Evaluator.Evaluate(_env, _env.Validation, ct);

    public IEnumerable<KeyValuePair<string, Tensor>> CheckpointState() =>
        _env.Trainable.Select(p => new KeyValuePair<string, Tensor>("global." + p.Name, p.Parameter));

    public void RestoreState(SafeTensorsFile state)
    {
        using var _ = no_grad();
        foreach (var (name, parameter) in _env.Trainable)
        {
            parameter.copy_(state["global." + name]);
        }
    }

    public void Dispose()
    {
        _remote?.Dispose();
        _aggregator.Dispose();
    }
}
