namespace FedLab.Engine.Runs;

/// <summary>How to execute a run: where to checkpoint after each round, and whether to resume from one.</summary>
public sealed record RunOptions
{
    /// <summary>Folder for the run's checkpoint file (overwritten after every round); null = no checkpoints.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>A checkpoint written by an earlier execution of the same run id and spec; the run continues after its round.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>
    /// The checkpoint of another run's round that the spec's <see cref="RunSpec.Fork"/> names (resolved by the caller,
    /// which knows where runs keep their files); ignored when <see cref="ResumeFrom"/> is set.
    /// </summary>
    public string? ForkFrom { get; init; }
}
