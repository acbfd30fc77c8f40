using System.Diagnostics;
using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Availability;
using FedLab.Engine.Federation.Remote;
using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.FedLlm;

/// <summary>
/// FedLLM: each sampled client downloads the global trainable state (LoRA adapters + head, or all weights),
/// fine-tunes locally, and uploads its state; the update aggregator (FedAvg's running mean weighted by examples,
/// possibly wrapped) combines them as they arrive and the server optimizer applies the result. Client work goes
/// through the run's client runner; payloads are real safetensors.
/// </summary>
public sealed class FedLlmAlgorithm : IFederatedAlgorithm, IValidationEvaluation
{
    private readonly RunEnvironment _env;
    private readonly IClientRunner _runner;
    private readonly LocalTrainer _trainer;
    private readonly ServerOptimizer _serverOptimizer;
    private readonly TrainableState _global;
    private readonly IUpdateAggregator _aggregator;
    private readonly (bool On, int MaxPerGroup) _batching;
    private readonly FedLlmClientProgram _clients;
    private readonly IRemoteSession? _remote;

    public FedLlmAlgorithm(FrameworkContext context)
    {
        _env = context.Environment;
        _runner = context.ClientRunner;
        _trainer = new LocalTrainer(_env);
        _serverOptimizer = new ServerOptimizer(_env.Spec.FedLlm);
        _global = TrainableState.Capture(_env.Trainable);
        _aggregator = context.Wrap(new WeightedMeanAggregator());
        _clients = new FedLlmClientProgram(_env);
        _remote = context.OpenRemote();
        // Batched groups train on this process's model; remote clients train one by one on their workers.
        _batching = _remote is null ? BatchedRound.Setting(_env, context.Engine) : (false, 0);
    }

    private sealed record Upload(Payload State, LocalTrainingResult Training, int Examples) : IClientWorkload
    {
        public double Flops => Training.Flops;
    }

    public RoundOutcome RunRound(int round, IReadOnlyList<int> clients, ClientReports reports, CancellationToken ct)
    {
        var serverClock = Stopwatch.StartNew();
        var broadcast = _global.Serialize();
        _aggregator.Begin(round, _global);
        serverClock.Stop();

        var finished = new List<ClientRoundMetrics>(clients.Count);
        var failed = new List<ClientFailure>();
        using var batched = _batching.On ? new BatchedRound(_env, round, clients, broadcast, _batching.MaxPerGroup, _trainer.StepsFor) : null;
        _runner.Run(round, clients, (task, token) => batched is null ? TrainClient(task, broadcast, token) : TrainInGroup(batched, task, broadcast, token), outcome =>
        {
            if (outcome.Failure is { } failure)
            {
                failed.Add(failure);
                reports.Failed(failure);
                if (outcome.Result is { } late) // late, kept for a later round (availability.late = stale)
                {
                    using var lateUpdate = TrainableState.Deserialize(late.State, _env.Device);
                    _aggregator.AddLate(outcome.ClientId, lateUpdate, late.Examples);
                }
                return;
            }
            var upload = outcome.Result!;
            serverClock.Start();
            using (var update = TrainableState.Deserialize(upload.State, _env.Device))
            {
                _aggregator.Add(outcome.ClientId, update, upload.Examples);
            }
            serverClock.Stop();
            var link = outcome.Link;
            var metrics = new ClientRoundMetrics(round, outcome.ClientId, upload.Training.Examples, upload.Training.Steps, upload.Training.MeanLoss,
                link.Down, link.Up, link.DownByKind, link.UpByKind, upload.Training.Flops, batched is null ? outcome.Seconds : upload.Training.Seconds); // a group's time is shared by its clients
            finished.Add(metrics);
            reports.Finished(metrics);
        }, ct);

        serverClock.Start();
        using (var mean = _aggregator.Finish())
        {
            if (mean is not null)
            {
                _serverOptimizer.Apply(_global, mean);
            }
        }
        _global.LoadInto(_env.Trainable);
        serverClock.Stop();
        double flops = ServerCost.Aggregation(_global.ElementCount, finished.Count, _serverOptimizer.FlopsPerValue);
        return new RoundOutcome(finished, serverClock.Elapsed.TotalSeconds, failed, ServerCost.Extra(flops));
    }

    /// <summary>
    /// A client's side of the round: receive the global state, train on its own data, send its state
    /// (<see cref="FedLlmClientProgram"/>, here or on a worker).
    /// </summary>
    private Upload TrainClient(ClientTask task, Payload broadcast, CancellationToken ct)
    {
        task.Link.Received(broadcast);
        var call = new ClientCall(FedLlmClientProgram.Name, FedLlmClientProgram.Train, task.Round, task.ClientId, [broadcast]);
        var reply = _remote is null ? _clients.Handle(call, ct) : _remote.Call(call, ct);
        return new Upload(task.Link.Sent(reply.Payloads[0]), reply.Result!.Training, _env.Partition.ClientIndices[task.ClientId].Length);
    }

    /// <summary>The same client side, its training done with its batched group (issue 16).</summary>
    private Upload TrainInGroup(BatchedRound batched, ClientTask task, Payload broadcast, CancellationToken ct)
    {
        task.Link.Received(broadcast);
        var (result, state) = batched.Take(task.ClientId, _env.Spec.FedLlm.ProxMu, ct);
        using (state)
        {
            return new Upload(task.Link.Sent(state.Serialize()), result, _env.Partition.ClientIndices[task.ClientId].Length);
        }
    }

    public EvalMetrics Evaluate(CancellationToken ct) => Evaluator.Evaluate(_env, _env.Test, ct);

    public EvalMetrics EvaluateValidation(CancellationToken ct) => Evaluator.Evaluate(_env, _env.Validation, ct);

    public IEnumerable<KeyValuePair<string, Tensor>> CheckpointState() =>
        CheckpointNames.Prefix("global.", _global.Tensors).Concat(_serverOptimizer.CheckpointState());

    public void RestoreState(SafeTensorsFile state)
    {
        CheckpointNames.CopyInto("global.", _global.Tensors, state);
        _serverOptimizer.RestoreState(_global, state);
        _global.LoadInto(_env.Trainable);
    }

    public void Dispose()
    {
        _remote?.Dispose();
        _aggregator.Dispose();
        _global.Dispose();
        _serverOptimizer.Dispose();
    }
}
