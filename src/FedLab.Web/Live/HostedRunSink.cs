using FedLab.Data;
using FedLab.Engine.Runs;
using FedLab.Web.Hubs;

namespace FedLab.Web.Live;

/// <summary>
/// What a hosted run publishes to besides its recorder. The launcher (FedLab.Data's RunLauncher) puts the recorder
/// first and this after it: a round is on disk before anyone hears of it, so a page or script that re-reads the store
/// never misses what it was told about. This remembers the latest progress for the queue's status view, then hands
/// the event, without blocking the run's thread, to the in-process broadcaster (pages) and the hub forwarder
/// (outside subscribers).
/// </summary>
public sealed class HostedRunSink(RunBroadcaster broadcaster, HubForwarder hub, Action<RunEvent>? observe = null) : IRunEventSink
{
    public void Publish(RunEvent runEvent)
    {
        observe?.Invoke(runEvent);
        broadcaster.Publish(runEvent);
        hub.Post(runEvent);
    }
}
