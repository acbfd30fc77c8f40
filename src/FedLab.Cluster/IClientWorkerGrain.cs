namespace FedLab.Cluster;

/// <summary>
/// A worker's client host: one activation per worker silo, keyed by the silo's address and placed on that silo (the
/// coordinator passes the silo as a placement hint). Calls are handled one at a time (not reentrant): the worker's run
/// environment has one model that its clients swap their state into.
/// </summary>
public interface IClientWorkerGrain : IGrainWithStringKey
{
    /// <summary>Builds (once per worker) the run's environment from the spec; later calls of the session use it.</summary>
    Task Open(Guid session, string specJson);

    Task<WireReply> Call(Guid session, WireCall call);

    /// <summary>Releases the run's environment (its frozen base, clients' state).</summary>
    Task Close(Guid session);

    Task<WorkerInfo> Describe();
}
