using System.Diagnostics;
using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Availability;
using FedLab.Engine.Federation.Remote;
using FedLab.Engine.Models;
using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.KdFedLlm;

/// <summary>
/// KD-FedLLM: only logits on the public set travel. Each round, in two phases:
/// 1. every sampled client loads its own trainable state, trains on its data (as a FedLLM client would), computes
///    log-probabilities on the public set and uploads them; the server adds them to a running weighted aggregate;
/// 2. the server sends the consensus back; each client distils towards it (kd.distillationSteps) and is evaluated on
///    the test split (ClientRoundMetrics.Accuracy).
/// Variant consensus (FedMD) has no global model: the round's global line is the mean of ALL clients' own models'
/// test metrics (clients that did not take part keep their last evaluation; their models did not change).
/// Variant server-distillation (FedDF / DS-FL) also distils the exact consensus into a global model of the run's
/// architecture, which is what the global line evaluates. In both, RoundMetrics.ClientAccuracyMean/Std summarise
/// every client's own model.
/// Memory: one frozen base per architecture; per client only its trainable state, created when it first trains.
/// </summary>
public sealed class KdFedLlmAlgorithm : IFederatedAlgorithm, IClientModelEvaluation, IValidationEvaluation
{
    private readonly RunEnvironment _env;
    private readonly IClientRunner _runner;
    private readonly KdOptions _kd;
    private readonly KdClientSide _side;
    private readonly TokenizedSet _public;
    private readonly KdArchitecture[] _architectureOf;
    private readonly TrainableState?[] _states;
    private readonly ClientEvaluations _evaluations;
    private readonly KdArchitecture _server;
    private readonly TrainableState? _global;
    private readonly Distiller _distiller;
    private readonly KdClientProgram _clients;
    private readonly IRemoteSession? _remote;
    private readonly (bool On, int MaxPerGroup) _batching;

    private readonly RoundExtras _extras;

    /// <param name="remote">A session with remote clients (a cluster), or null when clients run in this process.</param>
    /// <param name="extras">The run's open-set round metrics (ε when the consensus is private).</param>
    /// <param name="engine">The engine's batching default (issue 16); null = the spec alone decides.</param>
    public KdFedLlmAlgorithm(RunEnvironment env, ModelStore models, IClientRunner? runner = null, IRemoteSession? remote = null, RoundExtras? extras = null, EngineOptions? engine = null)
    {
        _env = env;
        _extras = extras ?? new RoundExtras();
        _runner = runner ?? InProcessClientRunner.Instance;
        _kd = env.Spec.Kd;
        _side = new KdClientSide(env, models);
        _public = _side.Public;
        _distiller = _side.Distiller;
        _server = _side.Server;
        _architectureOf = _side.ArchitectureOf;
        int clients = env.Spec.Partition.Clients;
        _states = new TrainableState?[clients];
        _global = _kd.Variant == KdVariant.ServerDistillation ? _server.Initial.Clone() : null;
        _evaluations = new ClientEvaluations(clients, env.Test.Count); // last: nothing after it can throw
        _clients = new KdClientProgram(_side, _states);
        _remote = remote;
        // Batched groups train on this process's models; remote clients train one by one on their workers.
        _batching = remote is null && KdBatchedRound.Supports(env) ? BatchedRound.Setting(env, engine ?? new EngineOptions { Models = models }) : (false, 0);
    }

    /// <summary>Distinct client architectures (frozen bases) held, the run's own included.</summary>
    internal IReadOnlyList<string> Architectures => _side.Architectures.Select(a => a.Key).ToList();

    public (double Mean, double Std)? ClientAccuracy => _evaluations.Accuracy;

    public RoundOutcome RunRound(int round, IReadOnlyList<int> clients, ClientReports reports, CancellationToken ct)
    {
        var serverClock = new Stopwatch();
        // Classification: one row per public example over the classes; generative: one row per answer position over the vocabulary.
        int classes = _env.Generative is null ? _env.Dataset.NumClasses : _env.Model.NumClasses;
        int rows = _public.Responses is null ? _public.Count : Tasks.Generative.GenerativeDistillation.Layout(_public).Rows;
        using ILogitsAggregator aggregator = _env.Spec.Privacy is null
            ? new LogitsAggregator(rows, classes, _kd.Aggregation, _env.Device)
            : new DpLogitsAggregator(rows, classes, _env.Spec, round, _extras, _env.Device); // clipped, noised consensus
        var failed = new List<ClientFailure>();
        void Fail(ClientFailure failure)
        {
            failed.Add(failure);
            reports.Failed(failure);
        }

        // Phase 1: local training, then the public-set logits go up; the server aggregates them as they arrive.
        var trained = new Dictionary<int, ClientOutcome<PhaseOne>>();
        // A remote client is handed its own state, serialised here on the run's thread (the runner may call clients in parallel).
        var held = _remote is null ? null : clients.ToDictionary(c => c, c => _states[c]?.Serialize().Bytes ?? []);
        using var batched = _batching.On ? new KdBatchedRound(_side, _states, round, clients, _batching.MaxPerGroup) : null;
        _runner.Run(round, clients, (task, token) => batched?.SharesInGroup(task.ClientId) == true ? ShareInGroup(batched, task, token) : TrainAndShare(task, held, token), outcome =>
        {
            if (outcome.Failure is { } failure)
            {
                Fail(failure);
                return;
            }
            trained[outcome.ClientId] = outcome;
            serverClock.Start();
            using (var received = LogitsCodec.Decode(outcome.Result!.Upload, classes, _env.Device))
            {
                aggregator.Add(received, outcome.Result.Examples);
            }
            serverClock.Stop();
        }, ct);

        // The server: consensus for the clients and, in server-distillation, a distilled global model. When no client
        // finished phase 1 there is nothing to distil: the round ends with the failures.
        var finished = new List<ClientRoundMetrics>(trained.Count);
        double serverFlops = 2.0 * rows * classes * trained.Count; // the weighted sum of the clients' logits
        // availability.minCompletion: too few logits arrived, so no consensus this round (clients keep their local training).
        if (trained.Count == 0 || trained.Count < AvailabilityPlan.Required(_env.Spec, clients.Count))
        {
            return new RoundOutcome(finished, serverClock.Elapsed.TotalSeconds, failed, ServerCost.Extra(serverFlops));
        }
        serverClock.Start();
        Payload consensus;
        using (var exact = aggregator.Consensus())
        {
            consensus = LogitsCodec.Encode(exact, _kd.TopK, _kd.LogitPrecision);
            if (_global is not null)
            {
                _global.LoadInto(_server.Trainable);
                serverFlops += _distiller.Distill(_server, exact, _kd.ServerDistillationSteps, SeedMix.Derive(_env.Spec.Seed, round, -2), ct).Flops;
                KdClientProgram.CopyFrom(_global, _server);
            }
        }
        serverClock.Stop();

        // Phase 2: the consensus comes down; clients distil towards it, then their own models are evaluated.
        var second = clients.Where(trained.ContainsKey).ToList();
        batched?.PlanDistillation(_kd.DistillationSteps == 0 ? [] : second);
        _runner.Run(round, second, (task, token) => batched?.DistilsInGroup(task.ClientId) == true ? DistilInGroup(batched, task, consensus, token) : Distil(task, consensus, token), outcome =>
        {
            var first = trained[outcome.ClientId];
            var down = TrafficMeter.Sum([first.Link.DownByKind, outcome.Link.DownByKind]);
            var up = TrafficMeter.Sum([first.Link.UpByKind, outcome.Link.UpByKind]);
            // A batched group's time is shared by its members (the runner timed the member that ran the group).
            double seconds = (first.Result?.SharedSeconds ?? first.Seconds) + (outcome.Result?.SharedSeconds ?? outcome.Seconds);
            if (outcome.Failure is { } failure)
            {
                Fail(failure with { BytesDownByKind = down, BytesUpByKind = up, Seconds = seconds });
                return;
            }
            // Measurement, not client work: not in the client's seconds or FLOPs.
            var architecture = _architectureOf[outcome.ClientId];
            TakeMirror(outcome.ClientId);
            _states[outcome.ClientId]!.LoadInto(architecture.Trainable);
            var evaluation = _evaluations[outcome.ClientId] = Evaluator.Evaluate(_env, architecture.Model, _env.Test, ct);
            var local = first.Result!.Training;
            var metrics = new ClientRoundMetrics(round, outcome.ClientId, local.Examples, local.Steps, local.MeanLoss, down.Values.Sum(), up.Values.Sum(),
                down, up, first.Result.Flops + outcome.Result!.Flops, seconds, evaluation.Accuracy);
            finished.Add(metrics);
            reports.Finished(metrics);
        }, ct);
        return new RoundOutcome(finished, serverClock.Elapsed.TotalSeconds, failed, ServerCost.Extra(serverFlops));
    }

    /// <param name="SharedSeconds">In a batched group: the client's share of the group's seconds; else null (the runner's time).</param>
    private sealed record PhaseOne(Payload Upload, ClientProgramResult Training, int Examples, double? SharedSeconds = null) : IClientWorkload
    {
        public double Flops => Training.Flops;
    }

    /// <summary>Phase 2's result: the FLOPs spent (not a workload the availability model times: phase 1 is).</summary>
    private sealed record PhaseTwo(double Flops, double? SharedSeconds = null);

    /// <summary>
    /// Phase 1 of a client (<see cref="KdClientProgram"/>, here or on a worker): load its own state, train on its data,
    /// send its log-probabilities on the public set. A remote client is handed its own state (see the program).
    /// </summary>
    private PhaseOne TrainAndShare(ClientTask task, Dictionary<int, byte[]>? held, CancellationToken ct)
    {
        int client = task.ClientId;
        var call = new ClientCall(KdClientProgram.Name, KdClientProgram.Share, task.Round, client, []);
        var reply = _remote is null ? _clients.Handle(call, ct) : _remote.Call(call with { Side = held![client] }, ct);
        return new PhaseOne(task.Link.Sent(reply.Payloads[0]), reply.Result!, _env.Partition.ClientIndices[client].Length);
    }

    /// <summary>The same phase 1, the client's training and public-set pass done with its batched group (issue 16).</summary>
    private PhaseOne ShareInGroup(KdBatchedRound batched, ClientTask task, CancellationToken ct)
    {
        var (upload, result) = batched.Share(task.ClientId, ct);
        return new PhaseOne(task.Link.Sent(upload), result, _env.Partition.ClientIndices[task.ClientId].Length, result.Seconds);
    }

    /// <summary>Phase 2 of a client: receive the consensus and distil towards it; returns the FLOPs spent.</summary>
    private PhaseTwo Distil(ClientTask task, Payload consensus, CancellationToken ct)
    {
        var call = new ClientCall(KdClientProgram.Name, KdClientProgram.Distil, task.Round, task.ClientId, _kd.DistillationSteps == 0 ? [] : [task.Link.Received(consensus)]);
        if (_remote is null)
        {
            return new PhaseTwo(_clients.Handle(call, ct).Result!.Flops);
        }
        var reply = _remote.Call(call with { Side = [] }, ct);
        return new PhaseTwo(reply.Result!.Flops + Mirror(task.ClientId, reply.Side!));
    }

    /// <summary>The same phase 2, distilled with the client's batched group (issue 16).</summary>
    private PhaseTwo DistilInGroup(KdBatchedRound batched, ClientTask task, Payload consensus, CancellationToken ct)
    {
        var (flops, seconds) = batched.Distil(task.ClientId, task.Link.Received(consensus), ct);
        return new PhaseTwo(flops, seconds);
    }

    /// <summary>Keeps the coordinator's copy of a remote client's own state (phase 2 runs off the run's thread: decode on it).</summary>
    private double Mirror(int client, byte[] state)
    {
        lock (_mirrored)
        {
            _mirrored[client] = state;
        }
        return 0;
    }

    private readonly Dictionary<int, byte[]> _mirrored = [];

    private void TakeMirror(int client)
    {
        byte[]? bytes;
        lock (_mirrored)
        {
            _mirrored.Remove(client, out bytes);
        }
        if (bytes is null)
        {
            return;
        }
        var received = TrainableState.Deserialize(new Payload(PayloadKind.Parameters, bytes), _env.Device);
        _states[client]?.Dispose();
        _states[client] = received;
    }

    /// <summary>Server-distillation: the global model. Consensus: the mean of every client's own model's metrics.</summary>
    public EvalMetrics Evaluate(CancellationToken ct)
    {
        EvaluateUntrainedClients(ct);
        if (_global is not null)
        {
            _global.LoadInto(_server.Trainable);
            return Evaluator.Evaluate(_env, _server.Model, _env.Test, ct);
        }
        return _evaluations.Mean();
    }

    /// <summary>
    /// The same model(s) as <see cref="Evaluate"/>, on the validation split: the global model, or (consensus) every
    /// client's own model, whose metrics are averaged as the test line's are. Measurement only: no state changes.
    /// </summary>
    public EvalMetrics EvaluateValidation(CancellationToken ct)
    {
        if (_global is not null)
        {
            _global.LoadInto(_server.Trainable);
            return Evaluator.Evaluate(_env, _server.Model, _env.Validation, ct);
        }
        var perClient = new List<EvalMetrics>(_states.Length);
        for (int client = 0; client < _states.Length; client++)
        {
            var architecture = _architectureOf[client];
            (_states[client] ?? architecture.Initial).LoadInto(architecture.Trainable);
            perClient.Add(Evaluator.Evaluate(_env, architecture.Model, _env.Validation, ct));
        }
        return ClientEvaluations.MeanOf(perClient, _env.Validation.Count);
    }

    public IEnumerable<KeyValuePair<string, Tensor>> CheckpointState()
    {
        var state = new List<KeyValuePair<string, Tensor>>();
        for (int client = 0; client < _states.Length; client++)
        {
            if (_states[client] is { } own)
            {
                state.AddRange(CheckpointNames.Prefix($"client.{client}.", own.Tensors));
            }
        }
        if (_global is not null)
        {
            state.AddRange(CheckpointNames.Prefix("global.", _global.Tensors));
        }
        state.Add(_evaluations.Checkpoint());
        return state;
    }

    public void RestoreState(SafeTensorsFile state)
    {
        for (int client = 0; client < _states.Length; client++)
        {
            string prefix = $"client.{client}.";
            if (state.Tensors.Any(t => t.Key.StartsWith(prefix, StringComparison.Ordinal)))
            {
                var own = _states[client] ??= _architectureOf[client].Initial.Clone();
                CheckpointNames.CopyInto(prefix, own.Tensors, state);
            }
        }
        if (_global is not null)
        {
            CheckpointNames.CopyInto("global.", _global.Tensors, state);
        }
        _evaluations.Restore(state);
    }

    public void Dispose()
    {
        foreach (var state in _states)
        {
            state?.Dispose();
        }
        _global?.Dispose();
        _evaluations.Dispose();
        _remote?.Dispose();
        _side.Dispose();
    }

    /// <summary>Round 0 (and clients never sampled since): every client of an architecture starts from its initial state.</summary>
    private void EvaluateUntrainedClients(CancellationToken ct)
    {
        foreach (var architecture in _side.Architectures)
        {
            var pending = Enumerable.Range(0, _evaluations.Count).Where(c => _evaluations[c] is null && _architectureOf[c] == architecture).ToList();
            if (pending.Count == 0)
            {
                continue;
            }
            architecture.Initial.LoadInto(architecture.Trainable);
            var evaluation = Evaluator.Evaluate(_env, architecture.Model, _env.Test, ct);
            pending.ForEach(c => _evaluations[c] = evaluation);
        }
    }
}
