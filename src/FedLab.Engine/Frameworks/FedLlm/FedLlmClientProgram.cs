using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Remote;

namespace FedLab.Engine.Frameworks.FedLlm;

/// <summary>
/// The client half of FedLLM, the same code in-process and on a worker: a stateless client that receives the global
/// trainable state, trains on its own examples (seeded by run seed, round and client) and answers its trained state.
/// </summary>
public sealed class FedLlmClientProgram(RunEnvironment env)
{
    public const string Name = "fedllm";
    public const string Train = "train";

    private readonly LocalTrainer _trainer = new(env);

    /// <summary>Payloads in: the broadcast. Payloads out: the client's trained state; result: its local training.</summary>
    public ClientReply Handle(ClientCall call, CancellationToken ct)
    {
        if (call.Operation != Train || call.Payloads.Count != 1)
        {
            throw new InvalidOperationException($"fedllm clients have one operation, '{Train}' with the broadcast; got '{call.Operation}' with {call.Payloads.Count} payloads");
        }
        using var received = TrainableState.Deserialize(call.Payloads[0], env.Device);
        received.LoadInto(env.Trainable);
        var indices = env.Partition.ClientIndices[call.ClientId];
        double mu = env.Spec.FedLlm.ProxMu;
        var result = _trainer.Train(indices, _trainer.StepsFor(indices.Length), SeedMix.Derive(env.Spec.Seed, call.Round, call.ClientId), mu > 0 ? received : null, mu, ct);
        using var local = TrainableState.Capture(env.Trainable);
        return new ClientReply([local.Serialize()], ClientProgramResult.Of(result));
    }
}
