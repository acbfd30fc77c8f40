namespace FedLab.Engine.Federation.Remote;

/// <summary>
/// One call of a framework's client program on wherever the client runs: the program ("fedllm", "split", "kd"), the
/// operation ("train", "forward", ...), the round and client (client randomness derives from seed, round and client),
/// the payloads the client receives (the very bytes the link counts), and <see cref="Side"/>: simulation state that a
/// real deployment would not send (a KD client's own model held by the coordinator, the split dropout generator) and
/// that the link does not count.
/// </summary>
public sealed record ClientCall(string Program, string Operation, int Round, int ClientId, IReadOnlyList<Payload> Payloads, byte[]? Side = null);
