namespace FedLab.Engine.Federation;

/// <summary>
/// What a client's work is given: the round, the client, and its link to the server, which serialises nothing
/// itself but counts (and, for a remote runner, carries) every payload: bytes up and down are what crossed it.
/// </summary>
public sealed record ClientTask(int Round, int ClientId, TrafficMeter Link);
