namespace FedLab.Data;

/// <summary>
/// Names of a run's checkpoint files. The engine writes <c>{run}.ckpt.safetensors</c> after every round; the
/// recorder renames it to <c>{run}.round-{n}.ckpt.safetensors</c> before the round's transaction and keeps the last
/// round's, the best round's and every n-th round's (<see cref="FedLab.Engine.Runs.CheckpointSpec.KeepEvery"/>).
/// </summary>
public static partial class RunCheckpointFiles
{
    public static string RoundFileName(Guid runId, int round) => $"{runId:N}.round-{round:D5}.ckpt.safetensors";

    /// <summary>The round of a file named by <see cref="RoundFileName"/>; null for other names.</summary>
    public static int? RoundOf(string path) =>
        RoundFile().Match(Path.GetFileName(path)) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>The rounds whose checkpoints of the run are kept in <paramref name="directory"/>, in order.</summary>
    public static IReadOnlyList<int> KeptRounds(string directory, Guid runId) =>
        [.. All(directory, runId).Select(RoundOf).OfType<int>().Order()];

    /// <summary>Null when <paramref name="directory"/> keeps the checkpoint a fork names, else what is wrong and which rounds are kept.</summary>
    public static string? ForkProblem(string directory, FedLab.Engine.Runs.ForkSpec fork)
    {
        if (File.Exists(Path.Combine(directory, RoundFileName(fork.Run, fork.Round))))
        {
            return null;
        }
        var kept = KeptRounds(directory, fork.Run);
        return kept.Count == 0
            ? $"run {fork.Run} has no kept checkpoints here (unknown run, or run without checkpoints)"
            : $"run {fork.Run} keeps no checkpoint of round {fork.Round}; it keeps rounds {string.Join(", ", kept)} (the last, the best and every n-th with checkpoints.keepEvery)";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[0-9a-f]{32}\.round-(\d+)\.ckpt\.safetensors$")]
    private static partial System.Text.RegularExpressions.Regex RoundFile();

    /// <summary>Every file of the run in <paramref name="directory"/> (checkpoints, temporaries).</summary>
    public static IEnumerable<string> All(string directory, Guid runId) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory, $"{runId:N}.*") : [];
}
