using FedLab.Engine.Runs;

namespace FedLab.Data;

/// <summary>
/// How a stopped run will continue: from <see cref="CheckpointPath"/> (the state after round
/// <see cref="CheckpointRound"/>) with the next round, or from the start when no round was completed.
/// </summary>
public sealed record ResumePlan(Guid RunId, RunSpec Spec, RunStatus Status, string? CheckpointPath, int? CheckpointRound, int TotalRounds)
{
    /// <summary>The first round the resumed execution runs (0 = the evaluation before training).</summary>
    public int NextRound => CheckpointRound is int r ? r + 1 : 0;
}
