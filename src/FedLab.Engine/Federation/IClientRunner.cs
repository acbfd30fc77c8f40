namespace FedLab.Engine.Federation;

/// <summary>
/// Runs the selected clients' work of one round and hands back, per client and in client order, its result or its
/// failure (Flower's ClientProxy idea: the framework does not know where a client runs). In-process today
/// (<see cref="InProcessClientRunner"/>); a batched or remote runner plugs in here. A client's failure (an exception,
/// a missed deadline, a dropout) is an outcome, never an exception through the run; cancellation is the one exception
/// that passes through.
/// </summary>
public interface IClientRunner
{
    /// <summary>
    /// Runs <paramref name="work"/> for each of <paramref name="clients"/> and calls <paramref name="completed"/> for each
    /// in the order of <paramref name="clients"/>, as soon as that client and every one before it are done (so the server
    /// can aggregate as results arrive and its memory does not grow with the number of clients).
    /// </summary>
    void Run<T>(int round, IReadOnlyList<int> clients, ClientWork<T> work, Action<ClientOutcome<T>> completed, CancellationToken ct);
}

/// <summary>One client's work in a round. Every payload it receives or sends goes through <see cref="ClientTask.Link"/>.</summary>
public delegate T ClientWork<T>(ClientTask task, CancellationToken ct);
