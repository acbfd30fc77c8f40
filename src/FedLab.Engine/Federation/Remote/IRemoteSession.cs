namespace FedLab.Engine.Federation.Remote;

/// <summary>
/// One run's connection to its remote clients. <see cref="Call"/> may run on any thread (the runner calls clients of a
/// round in parallel when their work allows it); the worker that serves a client keeps it for the whole round.
/// Disposing the session releases the run on every worker.
/// </summary>
public interface IRemoteSession : IDisposable
{
    ClientReply Call(ClientCall call, CancellationToken ct);
}
