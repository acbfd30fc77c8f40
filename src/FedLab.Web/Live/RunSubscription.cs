using System.Runtime.CompilerServices;
using System.Threading.Channels;
using FedLab.Engine.Runs;

namespace FedLab.Web.Live;

/// <summary>
/// One subscriber's stream of events (for one run, or for all runs). Its channel is bounded: a subscriber
/// that falls far behind loses events instead of slowing a run down, and <see cref="Dropped"/> tells it to
/// re-read the store (every round is persisted before it is published, so nothing is lost for good).
/// </summary>
public sealed class RunSubscription : IDisposable
{
    public const int Capacity = 4096;

    private readonly Channel<RunEvent> _channel = Channel.CreateBounded<RunEvent>(new BoundedChannelOptions(Capacity)
    {
        // Wait, but only ever written with TryWrite: when full the newest event is refused (not waited for),
        // what is queued stays in order, and Dropped counts the refusal. (DropWrite would hide the drop.)
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
        SingleWriter = false,
    });
    private readonly Action<RunSubscription> _onDispose;
    private long _dropped;
    private int _disposed;

    internal RunSubscription(Guid? runId, Action<RunSubscription> onDispose)
    {
        RunId = runId;
        _onDispose = onDispose;
    }

    /// <summary>The run followed; null = every run.</summary>
    public Guid? RunId { get; }

    public long Dropped => Interlocked.Read(ref _dropped);

    public ChannelReader<RunEvent> Reader => _channel.Reader;

    internal void Offer(RunEvent runEvent)
    {
        if (!_channel.Writer.TryWrite(runEvent) && Volatile.Read(ref _disposed) == 0)
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>
    /// Batches with a throttle: an event after a quiet spell is delivered at once; events that follow within
    /// <paramref name="window"/> of the last batch are collected and delivered together, so a page re-renders
    /// at most about 1/window times a second however fast events come.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<RunEvent>> ReadBatchesAsync(TimeSpan window, TimeProvider time,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var reader = _channel.Reader;
        long lastBatch = 0;
        while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            if (lastBatch != 0)
            {
                var wait = window - time.GetElapsedTime(lastBatch);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, ct).ConfigureAwait(false);
                }
            }
            var batch = new List<RunEvent>();
            while (reader.TryRead(out var item))
            {
                batch.Add(item);
            }
            lastBatch = time.GetTimestamp();
            if (batch.Count > 0)
            {
                yield return batch;
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _channel.Writer.TryComplete();
            _onDispose(this);
        }
    }
}
