using FedLab.Engine.Runs;

namespace FedLab.Engine.Tests.Runs;

/// <summary>Keeps every event; optionally runs a callback on each (on the run's thread).</summary>
internal sealed class RecordingSink(Action<RunEvent>? onEvent = null) : IRunEventSink
{
    public List<RunEvent> Events { get; } = [];

    public void Publish(RunEvent runEvent)
    {
        Events.Add(runEvent);
        onEvent?.Invoke(runEvent);
    }
}
