using FedLab.Engine.Runs;

namespace FedLab.Data;

/// <summary>
/// Publishes to a run's recorder first and stops the run when the recorder could not store its start or a round
/// (a full data folder): throws <see cref="RunRecordingFailedException"/> into the engine, which ends the run as
/// failed with that reason instead of training on with nothing stored. Then passes the event on to the next sink.
/// The dashboard's queue and <see cref="RunLauncher"/> (CLI) both record through it.
/// </summary>
public sealed class RecordingGuard(RunRecorder recorder, IRunEventSink? next = null) : IRunEventSink
{
    public void Publish(RunEvent runEvent)
    {
        PublishOrStop(recorder, runEvent);
        next?.Publish(runEvent);
    }

    /// <summary>Publishes to the recorder; throws when it failed to store a <see cref="RunStarted"/> or <see cref="RoundFinished"/>.</summary>
    public static void PublishOrStop(RunRecorder recorder, RunEvent runEvent)
    {
        int failedBefore = recorder.FailedWrites;
        recorder.Publish(runEvent);
        if (recorder.FailedWrites > failedBefore && recorder.LastError is { } error && runEvent is RunStarted or RoundFinished)
        {
            throw RunRecordingFailedException.For(runEvent, error);
        }
    }
}
