using System.Collections.Immutable;
using FedLab.Engine.Runs;

namespace FedLab.Web.Live;

/// <summary>
/// In-process fan-out of run events to the dashboard's pages. Publishing never blocks (each subscriber has
/// its own bounded channel). Subscribe BEFORE reading the store's snapshot: then every event after the
/// snapshot is in the stream, and the page drops the ones the snapshot already holds (by round number).
/// </summary>
public sealed class RunBroadcaster
{
    private readonly object _gate = new();
    private ImmutableDictionary<Guid, ImmutableList<RunSubscription>> _byRun = ImmutableDictionary<Guid, ImmutableList<RunSubscription>>.Empty;
    private ImmutableList<RunSubscription> _all = ImmutableList<RunSubscription>.Empty;

    /// <summary>Events of one run.</summary>
    public RunSubscription Subscribe(Guid runId)
    {
        var subscription = new RunSubscription(runId, Remove);
        lock (_gate)
        {
            var list = _byRun.GetValueOrDefault(runId, ImmutableList<RunSubscription>.Empty);
            _byRun = _byRun.SetItem(runId, list.Add(subscription));
        }
        return subscription;
    }

    /// <summary>Events of every run (the run list uses it for status and progress).</summary>
    public RunSubscription SubscribeAll()
    {
        var subscription = new RunSubscription(null, Remove);
        lock (_gate)
        {
            _all = _all.Add(subscription);
        }
        return subscription;
    }

    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _all.Count + _byRun.Values.Sum(l => l.Count);
            }
        }
    }

    public void Publish(RunEvent runEvent)
    {
        // Immutable snapshots: publishing reads without the lock and never waits for a subscriber.
        if (_byRun.TryGetValue(runEvent.RunId, out var followers))
        {
            foreach (var s in followers)
            {
                s.Offer(runEvent);
            }
        }
        foreach (var s in _all)
        {
            s.Offer(runEvent);
        }
    }

    private void Remove(RunSubscription subscription)
    {
        lock (_gate)
        {
            if (subscription.RunId is Guid id)
            {
                if (_byRun.TryGetValue(id, out var list))
                {
                    list = list.Remove(subscription);
                    _byRun = list.IsEmpty ? _byRun.Remove(id) : _byRun.SetItem(id, list);
                }
            }
            else
            {
                _all = _all.Remove(subscription);
            }
        }
    }
}
