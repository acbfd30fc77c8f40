using System.Diagnostics;
using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Remote;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.SplitFedLlm;

/// <summary>
/// One client's turn, driven from the server: the same batches, seeds and AdamW settings as <see cref="LocalTrainer"/>,
/// but every step runs the split protocol. The client half is <see cref="SplitClientProgram"/> (called in-process or on
/// a worker through <paramref name="client"/>); the server keeps its own AdamW over its side's parameters (AdamW is
/// per-parameter, so together they equal one optimizer over the whole model). Both are fresh per turn, as a FedLLM
/// client's optimizer is fresh per round. Client FLOPs are <see cref="FlopModel.TrainStep"/> over blocks [0, cut) without
/// the head: only the client-side work (embedding lookups count nothing).
/// </summary>
/// <param name="client">Sends a call to the client half; <paramref name="carryGenerator"/>: the client is in another
/// process, so torch's generator state travels with each call (one dropout stream, as in-process).</param>
public sealed class SplitTrainer(RunEnvironment env, SplitParts parts, SplitProtocol protocol, Func<ClientCall, CancellationToken, ClientReply> client, bool carryGenerator)
{
    /// <summary>A turn: <paramref name="current"/> is the client-side part the client receives (null: nothing to pass on).</summary>
    public (SplitTurnResult Result, Payload? Upload) Train(int round, int clientId, Payload? current, int steps, TrafficMeter meter, CancellationToken ct)
    {
        var t = env.Spec.Training;
        var serverClock = new Stopwatch();
        ClientReply Call(string operation, params Payload[] payloads)
        {
            var reply = client(new ClientCall(SplitClientProgram.Name, operation, round, clientId, payloads, carryGenerator ? GeneratorState.Get() : null), ct);
            if (carryGenerator && reply.Side is { } generator)
            {
                GeneratorState.Set(generator);
            }
            return reply;
        }

        Call(SplitClientProgram.BeginTurn, current is null ? [] : [meter.Received(current)]);
        using var serverOptimizer = optim.AdamW(parts.Server.Select(p => p.Parameter).ToList(), t.LearningRate, weight_decay: t.WeightDecay);
        env.Model.train();
        double lossSum = 0, serverFlops = 0;
        for (int step = 0; step < steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var up = Call(SplitClientProgram.ForwardBatch);
            var activations = meter.Sent(up.Payloads[0]);
            var labels = meter.Sent(up.Payloads[1]);

            serverClock.Start();
            serverOptimizer.zero_grad();
            var server = protocol.ServerStep(activations, labels);
            serverOptimizer.step();
            serverClock.Stop();

            if (server.Gradient is not null)
            {
                Call(SplitClientProgram.BackwardBatch, meter.Received(server.Gradient));
            }
            lossSum += server.Loss;
            serverFlops += env.Flops.TrainStep(server.Examples, server.Tokens, protocol.Cut, env.Flops.Layers, includeHead: true);
        }
        var end = Call(SplitClientProgram.EndTurn);
        var upload = end.Payloads.Count > 0 ? meter.Sent(end.Payloads[0]) : null;
        var r = end.Result!;
        return (new SplitTurnResult(r.Examples, r.Steps, steps == 0 ? 0 : lossSum / steps, r.Flops, r.Seconds, serverClock.Elapsed.TotalSeconds, serverFlops), upload);
    }
}
