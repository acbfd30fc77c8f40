namespace FedLab.Cluster;

// What crosses between the coordinator and a worker. Payload bytes are the engine's own serialised payloads, unchanged:
// the bytes the run reports are the bytes carried here.

/// <summary>One payload: its kind's name and its bytes.</summary>
[GenerateSerializer, Immutable]
public sealed record WirePayload([property: Id(0)] string Kind, [property: Id(1)] byte[] Bytes);

/// <summary>
/// A client program call (see FedLab.Engine.Federation.Remote.ClientCall), numbered among its client's calls in the
/// session: a call sent again after a lost message carries the same number, and the worker answers it once (<see cref="ReplyLedger"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WireCall(
    [property: Id(0)] string Program,
    [property: Id(1)] string Operation,
    [property: Id(2)] int Round,
    [property: Id(3)] int ClientId,
    [property: Id(4)] WirePayload[] Payloads,
    [property: Id(5)] byte[]? Side,
    [property: Id(6)] long Sequence);

/// <summary>A client program's measured result.</summary>
[GenerateSerializer, Immutable]
public sealed record WireResult(
    [property: Id(0)] int Examples,
    [property: Id(1)] int Steps,
    [property: Id(2)] double MeanLoss,
    [property: Id(3)] double Flops,
    [property: Id(4)] double Seconds);

/// <summary>A client program's answer.</summary>
[GenerateSerializer, Immutable]
public sealed record WireReply(
    [property: Id(0)] WirePayload[] Payloads,
    [property: Id(1)] WireResult? Result,
    [property: Id(2)] byte[]? Side);

/// <summary>A worker as it describes itself: where it runs, its torch threads, the runs it holds.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkerInfo(
    [property: Id(0)] string Silo,
    [property: Id(1)] string Machine,
    [property: Id(2)] int ProcessId,
    [property: Id(3)] int TorchThreads,
    [property: Id(4)] int Runs,
    [property: Id(5)] DateTimeOffset StartedAt);
