namespace FedLab.Engine.Runs;

/// <summary>
/// Where the engine reports progress. Called synchronously on the run's own thread, in order; an
/// implementation must be quick (hand off to a channel) and must not throw.
/// </summary>
public interface IRunEventSink
{
    void Publish(RunEvent runEvent);
}
