using FedLab.Engine.Runs;

namespace FedLab.Data;

/// <summary>
/// Thrown into the engine when a round could not be recorded, so the run stops (as failed, with this message)
/// instead of training on with nothing stored. The rounds recorded before stay; the run can be resumed from the
/// last of them once the data folder can be written again.
/// </summary>
public sealed class RunRecordingFailedException(string message, Exception inner) : Exception(message, inner)
{
    public static RunRecordingFailedException For(RunEvent failed, Exception cause) =>
        new($"{StorageFailure.Describe(cause)} (recording {Describe(failed)} failed; the rounds before it are kept; resume the run once the data folder can be written)", cause);

    private static string Describe(RunEvent e) => e is RoundFinished r ? $"round {r.Metrics.Round}" : e.GetType().Name;
}
