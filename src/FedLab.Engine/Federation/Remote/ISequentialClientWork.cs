namespace FedLab.Engine.Federation.Remote;

/// <summary>
/// Marks a client result type whose work also does server-side tensor work on the run's thread between client calls
/// (split learning's per-batch server step): a runner must run such clients one after another on the run's thread,
/// in client order. Other client work only sends and receives, so a remote runner may run clients of a round in parallel.
/// </summary>
public interface ISequentialClientWork;
