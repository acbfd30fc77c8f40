using System.Collections.Concurrent;
using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Remote;
using FedLab.Engine.Runs;

namespace FedLab.Cluster;

/// <summary>
/// The runs a worker process holds, by session: each a <see cref="WorkerRun"/> built once from the spec (its frozen base
/// loaded once) and released when the coordinator closes the session. Client work runs synchronously on one dedicated
/// thread per worker, never on Orleans' scheduler threads (TorchSharp's dispose scopes are per thread, and a long
/// training call must not stall the silo's messaging).
/// </summary>
public sealed class WorkerRuns(EngineOptions options) : IDisposable
{
    private readonly ConcurrentDictionary<Guid, Lazy<WorkerRun>> _runs = new();
    private readonly Dictionary<Guid, ReplyLedger> _ledgers = []; // on the client thread only
    private readonly BlockingCollection<Action> _queue = new();
    private Thread? _thread;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public int Count => _runs.Count;

    public EngineOptions Options => options;

    public Task Open(Guid session, string specJson) => Run(() =>
    {
        _runs.GetOrAdd(session, _ => new Lazy<WorkerRun>(() => new WorkerRun(RunSpecJson.Parse(specJson), options))).Value.Spec.ToString();
        return 0;
    });

    /// <param name="sequence">The call's number among its client's calls in the session (see <see cref="ReplyLedger"/>); 0: not numbered.</param>
    public Task<ClientReply> Call(Guid session, long sequence, ClientCall call) => Run(() =>
    {
        if (!_runs.TryGetValue(session, out var run))
        {
            throw new InvalidOperationException($"this worker does not hold run session {session}; open it first");
        }
        var ledger = _ledgers.TryGetValue(session, out var held) ? held : _ledgers[session] = new ReplyLedger();
        return ledger.Answer(sequence, call, () => run.Value.Handle(call, CancellationToken.None));
    });

    public Task Close(Guid session) => Run(() =>
    {
        _ledgers.Remove(session);
        if (_runs.TryRemove(session, out var run) && run.IsValueCreated)
        {
            run.Value.Dispose();
        }
        return 0;
    });

    private Task<T> Run<T>(Func<T> work)
    {
        EnsureThread();
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        });
        return done.Task;
    }

    private void EnsureThread()
    {
        if (_thread is not null)
        {
            return;
        }
        lock (_queue)
        {
            if (_thread is null)
            {
                _thread = new Thread(() =>
                {
                    foreach (var item in _queue.GetConsumingEnumerable())
                    {
                        item();
                    }
                })
                { IsBackground = true, Name = "fedlab-worker-clients" };
                _thread.Start();
            }
        }
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        foreach (var run in _runs.Values.Where(r => r.IsValueCreated))
        {
            run.Value.Dispose();
        }
        _runs.Clear();
    }
}
