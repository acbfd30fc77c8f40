using FedLab.Engine.Runs;

namespace FedLab.Engine.Federation;

/// <summary>Counts payload bytes by direction and kind for one client in one round.</summary>
public sealed class TrafficMeter
{
    [ThreadStatic]
    private static Action<Payload, bool>? t_observer;

    private readonly Dictionary<PayloadKind, long> _down = [];
    private readonly Dictionary<PayloadKind, long> _up = [];

    public long Down => _down.Values.Sum();
    public long Up => _up.Values.Sum();
    public IReadOnlyDictionary<PayloadKind, long> DownByKind => _down;
    public IReadOnlyDictionary<PayloadKind, long> UpByKind => _up;

    /// <summary>Payloads that crossed the link either way (the simulated clock charges a latency per message).</summary>
    public int Messages { get; private set; }

    public Payload Sent(Payload payload)
    {
        _up[payload.Kind] = _up.GetValueOrDefault(payload.Kind) + payload.Length;
        Messages++;
        t_observer?.Invoke(payload, true);
        return payload;
    }

    public Payload Received(Payload payload)
    {
        _down[payload.Kind] = _down.GetValueOrDefault(payload.Kind) + payload.Length;
        Messages++;
        t_observer?.Invoke(payload, false);
        return payload;
    }

    /// <summary>
    /// Adds what <paramref name="other"/> counted (bytes by kind, messages) to this link, without showing the payloads to
    /// the observer again: a batched split group counts each client's payloads as they are produced, on a link of its
    /// own, and hands them to the client's real link when the runner asks for that client.
    /// </summary>
    public void Add(TrafficMeter other)
    {
        foreach (var (kind, bytes) in other._down)
        {
            _down[kind] = _down.GetValueOrDefault(kind) + bytes;
        }
        foreach (var (kind, bytes) in other._up)
        {
            _up[kind] = _up.GetValueOrDefault(kind) + bytes;
        }
        Messages += other.Messages;
    }

    /// <summary>
    /// Shows every payload counted on this thread (up = true when sent by a client) to <paramref name="observer"/>
    /// until the result is disposed: tests check that the bytes reported are the lengths of real safetensors payloads.
    /// Runs execute on one thread, so a thread-local observer sees exactly one run.
    /// </summary>
    public static IDisposable Observe(Action<Payload, bool> observer)
    {
        var previous = t_observer;
        t_observer = observer;
        return new Restore(previous);
    }

    private sealed class Restore(Action<Payload, bool>? previous) : IDisposable
    {
        public void Dispose() => t_observer = previous;
    }

    public static IReadOnlyDictionary<PayloadKind, long> Sum(IEnumerable<IReadOnlyDictionary<PayloadKind, long>> parts)
    {
        var total = new Dictionary<PayloadKind, long>();
        foreach (var part in parts)
        {
            foreach (var (kind, bytes) in part)
            {
                total[kind] = total.GetValueOrDefault(kind) + bytes;
            }
        }
        return total;
    }
}
