using FedLab.Engine.Export;
using FedLab.Engine.Runs;

namespace FedLab.Data.Export;

/// <summary>
/// A stored run's model (from its checkpoint) written as PEFT / Hugging Face files (<see cref="ModelExport"/>): the
/// one path the CLI's <c>export-model</c>, the REST API and the run page's download share.
/// </summary>
public static class RunModelExport
{
    /// <summary>
    /// Writes the export of run <paramref name="runId"/> into <paramref name="directory"/>; returns the files and the
    /// round they hold. Throws <see cref="KeyNotFoundException"/> for an unknown run and <see cref="ModelExportException"/>
    /// (message for the user) when the run has no usable checkpoint or nothing to export.
    /// </summary>
    /// <param name="round">A kept round (<see cref="RunCheckpointFiles.KeptRounds"/>: the last, the best, every n-th);
    /// null for the last checkpointed round.</param>
    public static async Task<(IReadOnlyList<string> Files, int Round)> WriteAsync(RunStore store, Guid runId, string directory, int? client, CancellationToken ct,
        int? round = null)
    {
        var run = await store.GetRunAsync(runId, ct) ?? throw new KeyNotFoundException($"run {runId} does not exist");
        if (run.Spec is not { } spec)
        {
            throw new ModelExportException($"run {runId}'s stored spec no longer parses with this engine");
        }
        var path = run.CheckpointPath ?? throw new ModelExportException(
            $"run {runId} has no checkpoint: it was run without a checkpoint folder, so its weights were not kept");
        if (round is int k)
        {
            var folder = Path.GetDirectoryName(path) ?? ".";
            path = Path.Combine(folder, RunCheckpointFiles.RoundFileName(runId, k));
            if (!File.Exists(path))
            {
                throw new ModelExportException($"run {runId} keeps no checkpoint of round {k}; kept rounds: {string.Join(", ", RunCheckpointFiles.KeptRounds(folder, runId))}");
            }
        }
        if (!File.Exists(path))
        {
            throw new ModelExportException($"run {runId}'s checkpoint '{path}' is gone");
        }
        SafeTensorsCheckpoint loaded;
        try
        {
            var (stored, state) = RunCheckpoint.Load(path, runId, spec);
            loaded = new SafeTensorsCheckpoint(stored, state);
        }
        catch (InvalidDataException ex)
        {
            throw new ModelExportException($"run {runId}'s checkpoint cannot be read: {ex.Message}");
        }
        using (loaded.State)
        {
            return (ModelExport.Write(spec, loaded.State, loaded.Round, run.ClassNames, directory, client), loaded.Round);
        }
    }

    private readonly record struct SafeTensorsCheckpoint(int Round, Engine.Serialization.SafeTensorsFile State);
}
