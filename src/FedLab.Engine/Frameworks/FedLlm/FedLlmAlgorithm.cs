using System.Diagnostics;
using FedLab.Engine.Federation;
using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.FedLlm;

/// <summary>
/// FedLLM: each sampled client downloads the global trainable state (LoRA adapters + head, or all weights),
/// fine-tunes locally, and uploads its state; the server keeps a running sum weighted by example counts
/// (memory does not grow with clients) and applies the server optimizer. Payloads are real safetensors.
/// </summary>
public sealed class FedLlmAlgorithm : IFederatedAlgorithm
{
    private readonly RunEnvironment _env;
    private readonly LocalTrainer _trainer;
    private readonly ServerOptimizer _serverOptimizer;
    private readonly TrainableState _global;

    public FedLlmAlgorithm(RunEnvironment env)
    {
        _env = env;
        _trainer = new LocalTrainer(env);
        _serverOptimizer = new ServerOptimizer(env.Spec.FedLlm);
        _global = TrainableState.Capture(env.Trainable);
    }

    public RoundOutcome RunRound(int round, IReadOnlyList<int> clients, Action<ClientRoundMetrics> clientFinished, CancellationToken ct)
    {
        var serverClock = Stopwatch.StartNew();
        var broadcast = _global.Serialize();
        using var sum = TrainableState.ZerosLike(_global);
        double totalExamples = 0;
        serverClock.Stop();

        var reports = new List<ClientRoundMetrics>(clients.Count);
        foreach (var client in clients)
        {
            var meter = new TrafficMeter();
            var clientClock = Stopwatch.StartNew();
            using var received = TrainableState.Deserialize(meter.Received(broadcast), _env.Device);
            received.LoadInto(_env.Trainable);
            var indices = _env.Partition.ClientIndices[client];
            double mu = _env.Spec.FedLlm.ProxMu;
            var result = _trainer.Train(indices, _trainer.StepsFor(indices.Length), SeedMix.Derive(_env.Spec.Seed, round, client), mu > 0 ? received : null, mu, ct);
            Payload upload;
            using (var local = TrainableState.Capture(_env.Trainable))
            {
                upload = meter.Sent(local.Serialize());
            }
            clientClock.Stop();

            serverClock.Start();
            using (var update = TrainableState.Deserialize(upload, _env.Device))
            {
                sum.AddScaled(update, indices.Length);
            }
            totalExamples += indices.Length;
            serverClock.Stop();

            var metrics = new ClientRoundMetrics(round, client, result.Examples, result.Steps, result.MeanLoss, meter.Down, meter.Up,
                meter.DownByKind, meter.UpByKind, result.Flops, clientClock.Elapsed.TotalSeconds);
            reports.Add(metrics);
            clientFinished(metrics);
        }

        serverClock.Start();
        sum.Scale(1.0 / totalExamples);
        _serverOptimizer.Apply(_global, sum);
        _global.LoadInto(_env.Trainable);
        serverClock.Stop();
        return new RoundOutcome(reports, serverClock.Elapsed.TotalSeconds);
    }

    public EvalMetrics Evaluate(CancellationToken ct) => Evaluator.Evaluate(_env, _env.Test, ct);

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
        _global.Dispose();
        _serverOptimizer.Dispose();
    }
}
