using System.Runtime.ExceptionServices;
using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Remote;
using FedLab.Engine.Runs;

namespace FedLab.Cluster;

/// <summary>
/// One run on the cluster. At the first call of a round it takes the membership's active workers (less those lost in
/// this run); each client of the round goes to the least busy of them and stays there for the round (KD's two phases,
/// split's per-batch calls). Every worker builds the run's environment once, at its first call (<see cref="IClientWorkerGrain.Open"/>).
/// Counts two sizes for every call and reply: the payload bytes (what the engine reports) and the message bytes
/// (the Orleans-serialised call or reply: payloads, their framing and any side state).
/// </summary>
internal sealed class OrleansSession : IRemoteSession
{
    public const string WorkerMetric = "cluster.worker";
    public const string WorkersMetric = "cluster.workers";
    public const string PayloadBytesMetric = "cluster.payloadBytes";
    public const string MessageBytesMetric = "cluster.messageBytes";
    public const string LostMetric = "cluster.workersLost";
    public const string ResendsMetric = "cluster.resends";

    private readonly ClusterConnection _cluster;
    private readonly string _specJson;
    private readonly RoundExtras _extras;
    private readonly object _gate = new();
    private readonly Dictionary<int, SiloAddress> _assigned = [];
    private readonly Dictionary<SiloAddress, int> _busy = [];
    private readonly HashSet<SiloAddress> _opened = [];
    private readonly Dictionary<int, long> _sequence = [];
    private readonly HashSet<SiloAddress> _lost = [];
    private readonly HashSet<SiloAddress> _home = [];
    private readonly List<string> _order = [];
    private List<SiloAddress> _workers = [];
    private int _round = -1;
    private long _payloadBytes, _messageBytes;

    public OrleansSession(ClusterConnection cluster, RunSpec spec, RoundExtras extras)
    {
        _cluster = cluster;
        _specJson = RunSpecJson.Serialize(spec);
        _extras = extras;
        Name = spec.Name;
    }

    public Guid Id { get; } = Guid.NewGuid();
    public string Name { get; }
    public int Round => _round;

    /// <summary>Bytes of this session so far: payloads as the engine counts them, and whole serialised messages.</summary>
    public (long Payload, long Message) Traffic
    {
        get
        {
            lock (_gate)
            {
                return (_payloadBytes, _messageBytes);
            }
        }
    }

    /// <summary>The clients each worker ran in this session (by worker address), and the workers lost.</summary>
    public (IReadOnlyDictionary<string, IReadOnlyList<int>> Clients, IReadOnlyList<string> Lost) Placement
    {
        get
        {
            lock (_gate)
            {
                return (_ran.ToDictionary(k => k.Key, k => (IReadOnlyList<int>)k.Value.Order().ToList()), _lost.Select(s => s.ToString()).ToList());
            }
        }
    }

    private readonly Dictionary<string, HashSet<int>> _ran = [];
    private long _roundPayload, _roundMessage;
    private int _roundResends;

    /// <summary>Workers available for the round (taken from the membership at the round's first call).</summary>
    public int BeginRound(int round)
    {
        lock (_gate)
        {
            if (round == _round)
            {
                return _workers.Count;
            }
        }
        var active = _cluster.ActiveWorkersAsync().GetAwaiter().GetResult();
        List<SiloAddress> unchecked_;
        lock (_gate)
        {
            unchecked_ = active.Where(s => !_lost.Contains(s) && !_home.Contains(s)).ToList();
        }
        var home = _cluster.AtHomeAsync(unchecked_).GetAwaiter().GetResult();
        lock (_gate)
        {
            _home.UnionWith(home);
            _round = round;
            _assigned.Clear();
            _roundPayload = _roundMessage = 0;
            _roundResends = 0;
            // A worker whose client host Orleans does not yet place on it (it joined moments ago) waits for a later round.
            _workers = active.Where(s => !_lost.Contains(s) && _home.Contains(s)).ToList();
            return _workers.Count;
        }
    }

    public ClientReply Call(ClientCall call, CancellationToken ct)
    {
        BeginRound(call.Round);
        var silo = Assign(call.ClientId);
        string worker = silo.ToString();
        try
        {
            EnsureOpen(silo, ct);
            long sequence;
            lock (_gate)
            {
                sequence = _sequence[call.ClientId] = _sequence.GetValueOrDefault(call.ClientId) + 1;
            }
            var wire = new WireCall(call.Program, call.Operation, call.Round, call.ClientId, call.Payloads.Select(p => new WirePayload(p.Kind.Name, p.Bytes)).ToArray(), call.Side, sequence);
            long callBytes = _cluster.Serializer.SerializeToArray(wire).LongLength;
            var reply = Deliver(silo, () => _cluster.OnWorker(silo, g => g.Call(Id, wire)), () => CountResend(callBytes), ct);
            Count(call.Payloads.Sum(p => p.Length) + reply.Payloads.Sum(p => p.Bytes.LongLength), callBytes + _cluster.Serializer.SerializeToArray(reply).LongLength);
            lock (_gate)
            {
                (_ran.TryGetValue(worker, out var set) ? set : _ran[worker] = []).Add(call.ClientId);
            }
            var r = reply.Result;
            return new ClientReply(reply.Payloads.Select(p => new Payload(new PayloadKind(p.Kind), p.Bytes)).ToArray(),
                r is null ? null : new ClientProgramResult(r.Examples, r.Steps, r.MeanLoss, r.Flops, r.Seconds), reply.Side);
        }
        catch (Exception ex) when (Lost(ex) && !ct.IsCancellationRequested)
        {
            lock (_gate)
            {
                _lost.Add(silo);
            }
            if (ex is WorkerLostException)
            {
                throw;
            }
            throw new WorkerLostException(worker, ex.Message, ex);
        }
        finally
        {
            lock (_gate)
            {
                _busy[silo]--;
            }
        }
    }

    /// <summary>Opens the session on a worker once (the worker builds the run's environment at most once per session, however often asked).</summary>
    private void EnsureOpen(SiloAddress silo, CancellationToken ct)
    {
        lock (_gate)
        {
            if (_opened.Contains(silo))
            {
                return;
            }
        }
        long bytes = System.Text.Encoding.UTF8.GetByteCount(_specJson);
        Deliver(silo, () => _cluster.OnWorker(silo, g => g.Open(Id, _specJson).ContinueWith(t => { t.GetAwaiter().GetResult(); return 0; }, TaskScheduler.Default)),
            () => CountResend(bytes), ct);
        lock (_gate)
        {
            _messageBytes += bytes;
            _opened.Add(silo);
        }
    }

    /// <summary>
    /// Sends a call to <paramref name="silo"/> and waits for its answer. It ends early with <see cref="WorkerLostException"/>
    /// when the membership declares the worker dead. Orleans delivers at most once, and a call (or its answer) that went
    /// through a gateway that dies is lost although its worker lives: so when this client loses a gateway while the call
    /// is out, the call is sent again through the live ones (the worker answers a repeated call from its
    /// <see cref="ReplyLedger"/>, never doing the work twice), and the first answer wins. A copy refused at once (its
    /// gateway already gone) is sent again a second later. At most <see cref="MaxResends"/> copies.
    /// </summary>
    private T Deliver<T>(SiloAddress silo, Func<Task<T>> send, Action resent, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var lost = _cluster.WhenLostAsync(silo, stop.Token);
        var gatewayLoss = _cluster.NextGatewayLoss; // taken before the first copy goes out
        var copies = new List<Task<T>> { send() };
        int resends = 0;
        bool gatewayLost = false;
        Exception? last = null;
        try
        {
            while (true)
            {
                var waits = new List<Task>(copies) { lost };
                if (!gatewayLoss.IsCompleted)
                {
                    waits.Add(gatewayLoss);
                }
                if (copies.Count == 0)
                {
                    waits.Add(Task.Delay(TimeSpan.FromSeconds(1), stop.Token)); // a refused copy: try again shortly
                }
                var first = Task.WhenAny(waits).WaitAsync(ct).GetAwaiter().GetResult();
                if (first == lost)
                {
                    lost.GetAwaiter().GetResult(); // cancelled: the run's token
                    throw new WorkerLostException(silo.ToString(), "the membership declared it dead while it held the call");
                }
                if (first is Task<T> copy)
                {
                    if (copy.IsCompletedSuccessfully)
                    {
                        return copy.Result;
                    }
                    copies.Remove(copy);
                    last = copy.Exception?.GetBaseException() ?? new TaskCanceledException(copy);
                    // After a gateway loss any messaging failure (Orleans reports some as a plain OrleansException) is the loss's.
                    if (copies.Count == 0 && !(gatewayLost && (Lost(last) || last is OrleansException)) && !Refused(last))
                    {
                        ExceptionDispatchInfo.Throw(last); // the worker's own error, or a time-out with no gateway lost
                    }
                    if (copies.Count == 0 && resends >= MaxResends)
                    {
                        throw new WorkerLostException(silo.ToString(), $"no copy of the call was answered ({last.Message})", last);
                    }
                    continue; // other copies are out, or one goes out after the delay below
                }
                if (first == gatewayLoss)
                {
                    gatewayLost = true;
                    gatewayLoss = _cluster.NextGatewayLoss;
                }
                if (resends < MaxResends)
                {
                    resends++;
                    resent();
                    copies.Add(send());
                }
            }
        }
        finally
        {
            stop.Cancel();
            foreach (var pending in copies)
            {
                _ = pending.ContinueWith(t => t.Exception, TaskScheduler.Default); // a copy that loses the race: its failure is not an error
            }
        }
    }

    /// <summary>Copies of one call sent after the first (a lost gateway, a refused copy).</summary>
    private const int MaxResends = 10;

    /// <summary>
    /// Refused without the worker doing it: by the client or a gateway (no live connection yet), or by a client host that
    /// Orleans placed on another silo (<see cref="WorkerGoneException"/>: its worker died, or it joined so recently that
    /// the placement hint was not yet honoured). Safe and cheap to send again; a dead worker ends the call through the
    /// membership, or after <see cref="MaxResends"/> copies.
    /// </summary>
    private static bool Refused(Exception ex) => ex is OrleansMessageRejectionException or SiloUnavailableException or WorkerGoneException || ex.InnerException is { } inner && Refused(inner);

    /// <summary>Moves a client whose worker was lost to another worker of the round (the retry option).</summary>
    public bool Reassign(int client)
    {
        lock (_gate)
        {
            _assigned.Remove(client);
            return _workers.Any(w => !_lost.Contains(w));
        }
    }

    /// <summary>On the run's thread, after a client's outcome: which worker ran it, as the client's "cluster.worker" (1, 2, ... in order of first use).</summary>
    public void NoteClient(int client)
    {
        lock (_gate)
        {
            if (_assigned.TryGetValue(client, out var silo))
            {
                string name = silo.ToString();
                int index = _order.IndexOf(name);
                if (index < 0)
                {
                    _order.Add(name);
                    index = _order.Count - 1;
                }
                _extras.SetClient(client, WorkerMetric, index + 1);
            }
        }
    }

    /// <summary>On the run's thread, after the runner's clients: the round's workers and bytes.</summary>
    public void NoteRound()
    {
        lock (_gate)
        {
            _extras.Set(WorkersMetric, _workers.Count(w => !_lost.Contains(w)));
            _extras.Set(PayloadBytesMetric, _roundPayload);
            _extras.Set(MessageBytesMetric, _roundMessage);
            _extras.Set(LostMetric, _lost.Count);
            _extras.Set(ResendsMetric, _roundResends);
        }
    }

    /// <summary>The 1-based worker numbers of this session, by worker address (the order of "cluster.worker").</summary>
    public IReadOnlyList<string> WorkerOrder
    {
        get
        {
            lock (_gate)
            {
                return _order.ToList();
            }
        }
    }

    private SiloAddress Assign(int client)
    {
        lock (_gate)
        {
            if (!_assigned.TryGetValue(client, out var silo))
            {
                var candidates = _workers.Where(w => !_lost.Contains(w)).ToList();
                if (candidates.Count == 0)
                {
                    throw new WorkerLostException("(none)", "no worker is active in the cluster");
                }
                silo = candidates.OrderBy(w => _busy.GetValueOrDefault(w)).ThenBy(w => _assigned.Values.Count(a => a.Equals(w))).First();
                _assigned[client] = silo;
            }
            _busy[silo] = _busy.GetValueOrDefault(silo) + 1;
            return silo;
        }
    }

    private void CountResend(long messageBytes)
    {
        lock (_gate)
        {
            _roundResends++;
            _messageBytes += messageBytes;
            _roundMessage += messageBytes;
        }
    }

    private void Count(long payload, long message)
    {
        lock (_gate)
        {
            _payloadBytes += payload;
            _messageBytes += message;
            _roundPayload += payload;
            _roundMessage += message;
        }
    }

    /// <summary>Connectivity, not the client's own error: the worker is gone, refused the message, or did not answer in time.</summary>
    private static bool Lost(Exception ex) => ex switch
    {
        WorkerLostException => true,
        WorkerGoneException => true,
        TimeoutException => true,
        SiloUnavailableException => true,
        OrleansMessageRejectionException => true,
        OrleansException when ex.GetType().Namespace?.StartsWith("Orleans", StringComparison.Ordinal) == true && ex.GetType() != typeof(OrleansException) => true,
        AggregateException a => a.InnerExceptions.Any(Lost),
        _ => ex.InnerException is { } inner && Lost(inner),
    };

    public void Dispose()
    {
        List<SiloAddress> opened;
        lock (_gate)
        {
            opened = _opened.Where(s => !_lost.Contains(s)).ToList();
        }
        foreach (var silo in opened)
        {
            try
            {
                _cluster.OnWorker(silo, g => g.Close(Id).ContinueWith(t => 0, TaskScheduler.Default)).WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Best effort: a worker that is gone holds nothing; one that did not answer releases the run when it stops.
            }
        }
    }
}
