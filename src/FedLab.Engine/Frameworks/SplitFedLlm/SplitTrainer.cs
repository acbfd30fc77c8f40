using System.Diagnostics;
using FedLab.Engine.Federation;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.SplitFedLlm;

/// <summary>
/// One client's turn: the same batches, seeds and AdamW settings as <see cref="LocalTrainer"/>, but every step runs the
/// split protocol. The client and the server each keep their own AdamW over their side's parameters (AdamW is
/// per-parameter, so together they equal one optimizer over the whole model). Both are fresh per turn, as a FedLLM
/// client's optimizer is fresh per round. Client FLOPs are <see cref="FlopModel.TrainStep"/> over blocks [0, cut) without
/// the head: only the client-side work (embedding lookups count nothing).
/// </summary>
public sealed class SplitTrainer(RunEnvironment env, SplitParts parts, SplitProtocol protocol)
{
    public SplitTurnResult Train(IReadOnlyList<int> indices, int steps, long seed, TrafficMeter meter, CancellationToken ct)
    {
        var t = env.Spec.Training;
        random.manual_seed(seed); // dropout masks depend only on (run seed, round, client)
        var batches = new BatchCursor(indices, t.BatchSize, seed);
        using var clientOptimizer = parts.Client.Count > 0
            ? optim.AdamW(parts.Client.Select(p => p.Parameter).ToList(), t.LearningRate, weight_decay: t.WeightDecay)
            : null;
        using var serverOptimizer = optim.AdamW(parts.Server.Select(p => p.Parameter).ToList(), t.LearningRate, weight_decay: t.WeightDecay);
        env.Model.train();
        var clientClock = new Stopwatch();
        var serverClock = new Stopwatch();
        double lossSum = 0, flops = 0;
        int examples = 0;
        for (int step = 0; step < steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            var batch = batches.Next();
            using var scope = NewDisposeScope();
            clientClock.Start();
            var data = env.Train.MakeBatch(batch, env.Device);
            clientOptimizer?.zero_grad();
            var forward = protocol.ClientForward(data);
            meter.Sent(forward.ActivationsPayload);
            meter.Sent(forward.LabelsPayload);
            clientClock.Stop();

            serverClock.Start();
            serverOptimizer.zero_grad();
            var server = protocol.ServerStep(forward.ActivationsPayload, forward.LabelsPayload);
            serverOptimizer.step();
            serverClock.Stop();

            clientClock.Start();
            if (server.Gradient is not null)
            {
                meter.Received(server.Gradient);
                protocol.ClientBackward(forward.Activations, server.Gradient);
                clientOptimizer!.step();
            }
            clientClock.Stop();
            lossSum += server.Loss;
            examples += data.Size;
            flops += env.Flops.TrainStep(data.Size, data.Tokens, 0, protocol.Cut, includeHead: false);
        }
        return new SplitTurnResult(examples, steps, steps == 0 ? 0 : lossSum / steps, flops, clientClock.Elapsed.TotalSeconds, serverClock.Elapsed.TotalSeconds);
    }
}
