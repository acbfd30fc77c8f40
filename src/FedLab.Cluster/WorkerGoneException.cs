namespace FedLab.Cluster;

/// <summary>
/// Thrown by a worker's client host when Orleans activated it on a silo other than the one it stands for: its own silo
/// has died and a call addressed to it (a copy sent again after a gateway loss) was placed elsewhere, or the silo joined
/// so recently that the placement hint was not yet honoured. The call is not run there (a client's turn and state live
/// on its own worker); the coordinator tries again shortly, and a dead worker's clients fail as "workerLost".
/// </summary>
[GenerateSerializer]
public sealed class WorkerGoneException : Exception
{
    public WorkerGoneException()
    {
    }

    public WorkerGoneException(string message) : base(message)
    {
    }

    public WorkerGoneException(string message, Exception inner) : base(message, inner)
    {
    }
}
