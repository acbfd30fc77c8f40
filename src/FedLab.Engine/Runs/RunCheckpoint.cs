using System.Globalization;
using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Engine.Runs;

/// <summary>
/// A run's state after its last completed round: a safetensors file whose metadata names the run, the round
/// and the exact spec, so a resume can refuse a checkpoint that belongs to something else.
/// </summary>
public static class RunCheckpoint
{
    public static string PathFor(string directory, Guid runId) => Path.Combine(directory, $"{runId:N}.ckpt.safetensors");

    public static string Save(string directory, Guid runId, int round, RunSpec spec, IEnumerable<KeyValuePair<string, Tensor>> state)
    {
        Directory.CreateDirectory(directory);
        var path = PathFor(directory, runId);
        var metadata = new Dictionary<string, string>
        {
            ["runId"] = runId.ToString("D"),
            ["round"] = round.ToString(CultureInfo.InvariantCulture),
            ["spec"] = RunSpecJson.Serialize(spec),
            ["engine"] = Federation.EngineVersion.Current,
        };
        var bytes = SafeTensors.Serialize(state, metadata);
        // Write beside and rename: a crash mid-write leaves the previous round's checkpoint intact.
        var temp = path + ".tmp";
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        return path;
    }

    /// <summary>
    /// Reads another run's checkpoint for a fork: it must be of <paramref name="fork"/>'s run and round; the spec may
    /// differ (whether the tensors fit is for the framework's restore to say). The caller disposes the state.
    /// </summary>
    public static SafeTensorsFile LoadForFork(string path, ForkSpec fork)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"checkpoint '{path}' does not exist", path);
        }
        var state = SafeTensors.Deserialize(File.ReadAllBytes(path));
        var meta = state.Metadata;
        if (!meta.TryGetValue("runId", out var id) || id != fork.Run.ToString("D")
            || !meta.TryGetValue("round", out var round) || round != fork.Round.ToString(CultureInfo.InvariantCulture))
        {
            state.Dispose();
            throw new InvalidDataException($"checkpoint '{path}' is not round {fork.Round} of run {fork.Run}");
        }
        return state;
    }

    /// <summary>Reads a checkpoint, checking it belongs to this run and spec. The caller disposes the state.</summary>
    public static (int Round, SafeTensorsFile State) Load(string path, Guid runId, RunSpec spec)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"checkpoint '{path}' does not exist", path);
        }
        var state = SafeTensors.Deserialize(File.ReadAllBytes(path));
        try
        {
            var meta = state.Metadata;
            if (!meta.TryGetValue("runId", out var id) || id != runId.ToString("D"))
            {
                throw new InvalidDataException($"checkpoint '{path}' belongs to run {id}, not {runId}");
            }
            if (!meta.TryGetValue("spec", out var savedSpec) || savedSpec != RunSpecJson.Serialize(spec))
            {
                throw new InvalidDataException($"checkpoint '{path}' was written for a different spec");
            }
            int round = int.Parse(meta["round"], CultureInfo.InvariantCulture);
            return (round, state);
        }
        catch
        {
            state.Dispose();
            throw;
        }
    }
}
