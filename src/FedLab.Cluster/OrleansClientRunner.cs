using System.Diagnostics;
using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Remote;
using FedLab.Engine.Runs;

namespace FedLab.Cluster;

/// <summary>
/// Runs clients' work on Orleans workers (<see cref="IClientWorkerGrain"/>): the framework opens a session per run
/// (<see cref="IRemoteClients"/>) and sends its client programs' calls through it; this runner schedules the round.
/// Clients whose work only sends and receives (FedLLM, KD) run in parallel, as many at a time as there are workers;
/// split learning's turns (<see cref="ISequentialClientWork"/>) run one after another on the run's thread. Outcomes
/// come back in client order on the run's thread. A client whose worker is lost (gone, or silent past the call
/// timeout) fails the round as "workerLost", or is retried once on another worker when the settings say so; the worker
/// is not used again in the run, and a worker that joins takes clients from the next round on.
/// </summary>
public sealed class OrleansClientRunner(ClusterConnection cluster) : IClientRunner, IRemoteClients
{
    // A run executes on one dedicated thread: the session the framework opened on it is the one its rounds use.
    [ThreadStatic]
    private static OrleansSession? t_session;

    private readonly object _gate = new();
    private readonly List<OrleansSession> _sessions = [];

    public ClusterConnection Cluster => cluster;

    /// <summary>The sessions of this coordinator, most recent last (the Workers view shows the clients each worker ran).</summary>
    public IReadOnlyList<(Guid Id, string Name, int Round, IReadOnlyList<string> Workers, IReadOnlyDictionary<string, IReadOnlyList<int>> Clients, IReadOnlyList<string> Lost, long PayloadBytes, long MessageBytes)> Sessions
    {
        get
        {
            lock (_gate)
            {
                return _sessions.Select(s => (s.Id, s.Name, s.Round, s.WorkerOrder, s.Placement.Clients, s.Placement.Lost, s.Traffic.Payload, s.Traffic.Message)).ToList();
            }
        }
    }

    public IRemoteSession Open(RunSpec spec, RoundExtras extras)
    {
        var session = new OrleansSession(cluster, spec, extras);
        lock (_gate)
        {
            _sessions.Add(session);
            if (_sessions.Count > 20)
            {
                _sessions.RemoveAt(0);
            }
        }
        t_session = session;
        return session;
    }

    public void Run<T>(int round, IReadOnlyList<int> clients, ClientWork<T> work, Action<ClientOutcome<T>> completed, CancellationToken ct)
    {
        var session = t_session ?? throw new InvalidOperationException("the cluster runner runs clients of a framework that opened a cluster session on this thread");
        int workers = session.BeginRound(round);
        void Deliver(ClientOutcome<T> outcome)
        {
            session.NoteClient(outcome.ClientId);
            completed(outcome);
        }

        if (typeof(ISequentialClientWork).IsAssignableFrom(typeof(T)) || workers <= 1 || clients.Count <= 1)
        {
            foreach (var client in clients)
            {
                ct.ThrowIfCancellationRequested();
                Deliver(RunOne(session, round, client, work, ct));
            }
        }
        else
        {
            RunParallel(session, round, clients, work, Math.Min(workers, clients.Count), Deliver, ct);
        }
        session.NoteRound();
    }

    private void RunParallel<T>(OrleansSession session, int round, IReadOnlyList<int> clients, ClientWork<T> work, int lanes, Action<ClientOutcome<T>> deliver, CancellationToken ct)
    {
        var results = clients.Select(_ => new TaskCompletionSource<ClientOutcome<T>>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        int next = -1;
        var threads = Enumerable.Range(0, lanes).Select(lane => new Thread(() =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < clients.Count)
            {
                try
                {
                    results[i].SetResult(RunOne(session, round, clients[i], work, ct));
                }
                catch (Exception ex)
                {
                    results[i].SetException(ex); // cancellation: rethrown on the run's thread
                }
            }
        })
        { IsBackground = true, Name = $"fedlab-cluster-lane-{lane}" }).ToList();
        threads.ForEach(t => t.Start());
        try
        {
            foreach (var result in results)
            {
                deliver(result.Task.GetAwaiter().GetResult());
            }
        }
        finally
        {
            threads.ForEach(t => t.Join());
        }
    }

    private ClientOutcome<T> RunOne<T>(OrleansSession session, int round, int client, ClientWork<T> work, CancellationToken ct)
    {
        var outcome = Attempt(round, client, work, ct);
        if (outcome.Failure is { Kind: WorkerLostException.Kind } && cluster.Settings.RetryOnOtherWorker
            && !typeof(ISequentialClientWork).IsAssignableFrom(typeof(T)) && session.Reassign(client))
        {
            var retried = Attempt(round, client, work, ct);
            return retried.Failure is null ? retried : retried.Failure is { } f ? retried with { Failure = f with { Reason = $"{outcome.Failure.Reason}; retried: {f.Reason}" } } : retried;
        }
        return outcome;
    }

    private static ClientOutcome<T> Attempt<T>(int round, int client, ClientWork<T> work, CancellationToken ct) =>
        InProcessClientRunner.RunOne(round, client, work, ct, ex => ex is WorkerLostException ? WorkerLostException.Kind : ClientFailureKinds.Error);
}
