using System.Diagnostics;
using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Remote;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.SplitFedLlm;

/// <summary>
/// The client half of split learning, the same code in-process and on a worker, driven by the server one call at a
/// time: <see cref="Begin"/> (the client-side part comes in, the turn's seed, batches and optimizer are set),
/// <see cref="Forward"/> per batch (activations and labels go up; the activations' graph is kept), <see cref="Backward"/>
/// (the activation gradient comes down and the client's optimizer steps), <see cref="End"/> (the client-side part goes
/// out, with the turn's examples, FLOPs and client seconds). Turns are kept per client, one at a time in practice.
/// When a call carries <see cref="ClientCall.Side"/>, it is torch's generator state: dropout below and above the cut
/// draws from one stream in-process, so a remote client continues the server's stream and hands it back.
/// </summary>
public sealed class SplitClientProgram(RunEnvironment env, SplitParts parts, SplitProtocol protocol)
{
    public const string Name = "split";
    public const string BeginTurn = "begin";
    public const string ForwardBatch = "forward";
    public const string BackwardBatch = "backward";
    public const string EndTurn = "end";

    private readonly Dictionary<int, TurnState> _turns = [];

    public static SplitClientProgram For(RunEnvironment env)
    {
        var options = env.Spec.Split;
        var parts = SplitParts.Of(env.Trainable, options.CutLayer);
        return new SplitClientProgram(env, parts, new SplitProtocol(env.Model, options.CutLayer, options.ActivationPrecision, parts.Client.Count > 0, env.Device));
    }

    public ClientReply Handle(ClientCall call, CancellationToken ct)
    {
        if (call.Side is { } generator)
        {
            GeneratorState.Set(generator);
        }
        var reply = call.Operation switch
        {
            BeginTurn => Begin(call),
            ForwardBatch => Forward(call.ClientId),
            BackwardBatch => Backward(call.ClientId, call.Payloads.Single()),
            EndTurn => End(call.ClientId),
            _ => throw new InvalidOperationException($"split clients have no operation '{call.Operation}'"),
        };
        return call.Side is null ? reply : reply with { Side = GeneratorState.Get() };
    }

    private ClientReply Begin(ClientCall call)
    {
        Drop(call.ClientId);
        if (call.Payloads.Count > 0)
        {
            using var received = TrainableState.Deserialize(call.Payloads[0], env.Device);
            received.LoadInto(parts.Client);
        }
        var t = env.Spec.Training;
        long seed = SeedMix.Derive(env.Spec.Seed, call.Round, call.ClientId);
        random.manual_seed(seed); // dropout masks depend only on (run seed, round, client)
        var indices = env.Partition.ClientIndices[call.ClientId];
        var optimizer = parts.Client.Count > 0
            ? optim.AdamW(parts.Client.Select(p => p.Parameter).ToList(), t.LearningRate, weight_decay: t.WeightDecay)
            : null;
        env.Model.train();
        _turns[call.ClientId] = new TurnState(new BatchCursor(indices, t.BatchSize, seed), optimizer);
        return ClientReply.Empty;
    }

    private ClientReply Forward(int client)
    {
        var turn = Turn(client);
        turn.Clock.Start();
        turn.Activations?.Dispose();
        using var scope = NewDisposeScope();
        var data = env.Train.MakeBatch(turn.Batches.Next(), env.Device);
        turn.Optimizer?.zero_grad();
        var forward = protocol.ClientForward(data);
        turn.Activations = forward.Activations.DetachFromDisposeScope(); // its graph lives until the gradient comes down
        turn.Examples += data.Size;
        turn.Steps++;
        turn.Flops += env.Flops.TrainStep(data.Size, data.Tokens, 0, protocol.Cut, includeHead: false);
        turn.Clock.Stop();
        return new ClientReply([forward.ActivationsPayload, forward.LabelsPayload]);
    }

    private ClientReply Backward(int client, Payload gradient)
    {
        var turn = Turn(client);
        turn.Clock.Start();
        using (var scope = NewDisposeScope())
        {
            protocol.ClientBackward(turn.Activations ?? throw new InvalidOperationException($"client {client} has no forward pass to back-propagate"), gradient);
            turn.Optimizer!.step();
        }
        turn.Activations.Dispose();
        turn.Activations = null;
        turn.Clock.Stop();
        return ClientReply.Empty;
    }

    private ClientReply End(int client)
    {
        var turn = Turn(client);
        Payload[] upload = [];
        if (parts.Client.Count > 0)
        {
            using var local = TrainableState.Capture(parts.Client);
            upload = [local.Serialize()];
        }
        Drop(client);
        return new ClientReply(upload, new ClientProgramResult(turn.Examples, turn.Steps, 0, turn.Flops, turn.Clock.Elapsed.TotalSeconds));
    }

    private TurnState Turn(int client) =>
        _turns.TryGetValue(client, out var turn) ? turn : throw new InvalidOperationException($"client {client} has no split turn open");

    private void Drop(int client)
    {
        if (_turns.Remove(client, out var turn))
        {
            turn.Activations?.Dispose();
            turn.Optimizer?.Dispose();
        }
    }

    private sealed class TurnState(BatchCursor batches, optim.Optimizer? optimizer)
    {
        public BatchCursor Batches { get; } = batches;
        public optim.Optimizer? Optimizer { get; } = optimizer;
        public Tensor? Activations { get; set; }
        public Stopwatch Clock { get; } = new();
        public int Examples { get; set; }
        public int Steps { get; set; }
        public double Flops { get; set; }
    }
}
