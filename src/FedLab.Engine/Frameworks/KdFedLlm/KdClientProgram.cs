using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Remote;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.KdFedLlm;

/// <summary>
/// The client half of KD-FedLLM, the same code in-process and on a worker. Clients keep their own trainable state
/// between rounds (<paramref name="states"/>). Phase 1 (<see cref="Share"/>): load the client's own state, train on its
/// data, answer log-probabilities on the public set. Phase 2 (<see cref="Distil"/>): distil towards the consensus.
/// On a worker the coordinator holds the authoritative copy of each client's state: phase 1's call carries it as
/// <see cref="ClientCall.Side"/> (empty: the architecture's initial state) and phase 2's answer carries it back, so a
/// lost worker loses no completed round and any worker can serve a client next round. The side state is simulation
/// bookkeeping a real client would keep on its device; the link does not count it (the cluster reports it as wire bytes).
/// </summary>
internal sealed class KdClientProgram(KdClientSide side, TrainableState?[] states)
{
    public const string Name = "kd";
    public const string Share = "share";
    public const string Distil = "distil";

    public ClientReply Handle(ClientCall call, CancellationToken ct) => call.Operation switch
    {
        Share => TrainAndShare(call, ct),
        Distil => DistilTowards(call, ct),
        _ => throw new InvalidOperationException($"kd clients have no operation '{call.Operation}'"),
    };

    private ClientReply TrainAndShare(ClientCall call, CancellationToken ct)
    {
        int client = call.ClientId;
        var env = side.Env;
        var architecture = side.ArchitectureOf[client];
        if (call.Side is { } held)
        {
            states[client]?.Dispose();
            states[client] = held.Length == 0 ? null : TrainableState.Deserialize(new Payload(Runs.PayloadKind.Parameters, held), env.Device);
        }
        (states[client] ?? architecture.Initial).LoadInto(architecture.Trainable);
        var indices = env.Partition.ClientIndices[client];
        var local = architecture.Trainer.Train(indices, architecture.Trainer.StepsFor(indices.Length), SeedMix.Derive(env.Spec.Seed, call.Round, client), null, 0, ct);
        var (logProbs, forwardFlops) = KdPublicSet.Logits(env, architecture, side.Public, ct);
        Payload upload;
        using (logProbs)
        {
            upload = LogitsCodec.Encode(logProbs, side.Kd.TopK, side.Kd.LogitPrecision);
        }
        Keep(client, architecture);
        return new ClientReply([upload], ClientProgramResult.Of(local) with { Flops = local.Flops + forwardFlops });
    }

    /// <summary>Payloads in: the consensus, or none when distillation is off. Result: the FLOPs spent.</summary>
    private ClientReply DistilTowards(ClientCall call, CancellationToken ct)
    {
        int client = call.ClientId;
        var env = side.Env;
        var architecture = side.ArchitectureOf[client];
        var own = states[client] ?? throw new InvalidOperationException($"client {client} has not trained this round on this worker");
        own.LoadInto(architecture.Trainable);
        double flops = 0;
        if (call.Payloads.Count > 0)
        {
            using var teacher = LogitsCodec.Decode(call.Payloads[0], side.Classes, env.Device);
            flops = side.Distiller.Distill(architecture, teacher, side.Kd.DistillationSteps, SeedMix.Derive(env.Spec.Seed, call.Round, client, 1), ct).Flops;
            Keep(client, architecture);
        }
        return new ClientReply([], new ClientProgramResult(0, 0, 0, flops, 0), call.Side is null ? null : states[client]!.Serialize().Bytes);
    }

    /// <summary>Copies the architecture's trainable parameters into the client's own state (created on first use).</summary>
    private void Keep(int client, KdArchitecture architecture)
    {
        if (states[client] is { } own)
        {
            CopyFrom(own, architecture);
        }
        else
        {
            states[client] = TrainableState.Capture(architecture.Trainable);
        }
    }

    public static void CopyFrom(TrainableState target, KdArchitecture architecture)
    {
        using var _ = no_grad();
        for (int i = 0; i < target.Tensors.Count; i++)
        {
            target.Tensors[i].Value.copy_(architecture.Trainable[i].Parameter);
        }
    }
}
