using FedLab.Engine.Runs;

namespace FedLab.Data;

/// <summary>
/// Sends each event to several sinks in order (put the recorder first: when later sinks see a round, it is on
/// disk). A sink that throws is reported to <paramref name="onError"/> and does not stop the others or the run.
/// </summary>
public sealed class RunEventFanOut(IReadOnlyList<IRunEventSink> sinks, Action<IRunEventSink, Exception>? onError = null) : IRunEventSink
{
    public void Publish(RunEvent runEvent)
    {
        foreach (var sink in sinks)
        {
            try
            {
                sink.Publish(runEvent);
            }
            catch (Exception ex)
            {
                onError?.Invoke(sink, ex);
            }
        }
    }
}
