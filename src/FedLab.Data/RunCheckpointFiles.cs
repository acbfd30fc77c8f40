namespace FedLab.Data;

/// <summary>
/// Names of a run's checkpoint files. The engine writes <c>{run}.ckpt.safetensors</c> after every round; the
/// recorder renames it to <c>{run}.round-{n}.ckpt.safetensors</c> before the round's transaction.
/// </summary>
public static class RunCheckpointFiles
{
    public static string RoundFileName(Guid runId, int round) => $"{runId:N}.round-{round:D5}.ckpt.safetensors";

    /// <summary>Every file of the run in <paramref name="directory"/> (checkpoints, temporaries).</summary>
    public static IEnumerable<string> All(string directory, Guid runId) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory, $"{runId:N}.*") : [];
}
