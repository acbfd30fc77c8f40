using FedLab.Data;
using FedLab.Engine.Runs;
using FedLab.Web.Hubs;

namespace FedLab.Web.Live;

/// <summary>
/// The one sink a hosted run publishes to. First the recorder, synchronously: a round is on disk before
/// anyone hears of it, so a page or script that re-reads the store never misses what it was told about.
/// Then, without blocking the run's thread, the in-process broadcaster (pages) and the hub forwarder
/// (outside subscribers). Also remembers the latest progress for the queue's status view.
/// If the recorder could not store the run's start or a round (a full data folder), the run stops: this throws
/// <see cref="RunRecordingFailedException"/> into the engine, which ends the run as failed with that reason.
/// </summary>
public sealed class HostedRunSink(IRunEventSink recorder, RunBroadcaster broadcaster, HubForwarder hub, Action<RunEvent>? observe = null)
    : IRunEventSink
{
    public void Publish(RunEvent runEvent)
    {
        if (recorder is RunRecorder runRecorder)
        {
            RecordingGuard.PublishOrStop(runRecorder, runEvent);
        }
        else
        {
            recorder.Publish(runEvent);
        }
        observe?.Invoke(runEvent);
        broadcaster.Publish(runEvent);
        hub.Post(runEvent);
    }
}
