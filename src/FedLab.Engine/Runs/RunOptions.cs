namespace FedLab.Engine.Runs;

/// <summary>How to execute a run: where to checkpoint after each round, and whether to resume from one.</summary>
public sealed record RunOptions
{
    /// <summary>Folder for the run's checkpoint file (overwritten after every round); null = no checkpoints.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>A checkpoint written by an earlier execution of the same run id and spec; the run continues after its round.</summary>
    public string? ResumeFrom { get; init; }
}
