using FedLab.Engine.Runs;

namespace FedLab.Data;

/// <summary>Which runs can continue: those stopped before their last round by a crash, a cancel or a failure.</summary>
public static class RunResumePolicy
{
    public static bool CanResume(RunStatus status) => status is RunStatus.Interrupted or RunStatus.Cancelled or RunStatus.Failed;
}
