using System.Diagnostics;
using FedLab.Engine.Federation;
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
public sealed class SplitFedLlmAlgorithm : IFederatedAlgorithm
{
    private readonly RunEnvironment _env;
    private readonly SplitParts _parts;
    private readonly SplitTrainer _trainer;
    private readonly LocalTrainer _steps;

    public SplitFedLlmAlgorithm(RunEnvironment env)
    {
        _env = env;
        var options = env.Spec.Split;
        _parts = SplitParts.Of(env.Trainable, options.CutLayer);
        var protocol = new SplitProtocol(env.Model, options.CutLayer, options.ActivationPrecision, _parts.Client.Count > 0, env.Device);
        _trainer = new SplitTrainer(env, _parts, protocol);
        _steps = new LocalTrainer(env);
    }

    public SplitParts Parts => _parts;

    public RoundOutcome RunRound(int round, IReadOnlyList<int> clients, Action<ClientRoundMetrics> clientFinished, CancellationToken ct)
    {
        var serverClock = new Stopwatch();
        bool exchange = _parts.Client.Count > 0; // head-only: the client side is frozen, nothing to pass on
        bool splitFed = _env.Spec.Split.Variant == SplitVariant.SplitFed;

        // Sequential: what the previous holder of the client-side part sends (round 1: the server's initial copy).
        // SplitFed: the round's broadcast.
        Payload? current = null;
        TrainableState? sum = null;
        double totalExamples = 0, serverSeconds = 0;
        if (exchange)
        {
            using var start = TrainableState.Capture(_parts.Client);
            current = start.Serialize();
            sum = splitFed ? TrainableState.ZerosLike(start) : null;
        }
        try
        {
            var reports = new List<ClientRoundMetrics>(clients.Count);
            foreach (var client in clients)
            {
                var meter = new TrafficMeter();
                var clientClock = Stopwatch.StartNew();
                if (current is not null)
                {
                    using var received = TrainableState.Deserialize(meter.Received(current), _env.Device);
                    received.LoadInto(_parts.Client);
                }
                clientClock.Stop();

                var indices = _env.Partition.ClientIndices[client];
                var turn = _trainer.Train(indices, _steps.StepsFor(indices.Length), SeedMix.Derive(_env.Spec.Seed, round, client), meter, ct);

                clientClock.Start();
                Payload? upload = null;
                if (exchange)
                {
                    using var local = TrainableState.Capture(_parts.Client);
                    upload = meter.Sent(local.Serialize());
                }
                clientClock.Stop();

                if (upload is not null)
                {
                    if (sum is not null)
                    {
                        serverClock.Start();
                        using var update = TrainableState.Deserialize(upload, _env.Device);
                        sum.AddScaled(update, indices.Length);
                        totalExamples += indices.Length;
                        serverClock.Stop();
                    }
                    else
                    {
                        current = upload; // the next client receives exactly these bytes
                    }
                }

                var metrics = new ClientRoundMetrics(round, client, turn.Examples, turn.Steps, turn.MeanLoss, meter.Down, meter.Up,
                    meter.DownByKind, meter.UpByKind, turn.ClientFlops, clientClock.Elapsed.TotalSeconds + turn.ClientSeconds);
                reports.Add(metrics);
                clientFinished(metrics);
                serverSeconds += turn.ServerSeconds;
            }

            if (sum is not null)
            {
                serverClock.Start();
                sum.Scale(1.0 / totalExamples);
                sum.LoadInto(_parts.Client);
                serverClock.Stop();
            }
            return new RoundOutcome(reports, serverClock.Elapsed.TotalSeconds + serverSeconds);
        }
        finally
        {
            sum?.Dispose();
        }
    }

    public EvalMetrics Evaluate(CancellationToken ct) => Evaluator.Evaluate(_env, _env.Test, ct);

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
    }
}
