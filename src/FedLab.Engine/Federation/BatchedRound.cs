using FedLab.Engine.Runs;

namespace FedLab.Engine.Federation;

/// <summary>
/// A round's clients trained in batched groups (<see cref="BatchedClientTrainer"/>) behind the per-client work the
/// client runner calls: the first time the runner asks for a client of a group, the whole group trains; each client's
/// work then receives the broadcast, and sends its own trained state, through its own link as before (so bytes, failures
/// and availability stay per client). Groups hold consecutive clients with the same steps and batch size, at most
/// <see cref="ClientBatchingSpec.MaxClientsPerGroup"/> of them; a client the runner never asks for (a dropout) costs only
/// the compute of its group.
/// </summary>
public sealed class BatchedRound : IDisposable
{
    private readonly RunEnvironment _env;
    private readonly Dictionary<int, List<int>> _groupOf = [];
    private readonly Dictionary<int, (LocalTrainingResult Result, TrainableState State)> _done = [];
    private readonly Payload _broadcast;
    private readonly int _round;
    private readonly Func<int, int> _steps;

    public BatchedRound(RunEnvironment env, int round, IReadOnlyList<int> clients, Payload broadcast, int maxPerGroup, Func<int, int> stepsForExamples)
    {
        _env = env;
        _round = round;
        _broadcast = broadcast;
        _steps = stepsForExamples;
        List<int>? group = null;
        (int, int) groupKey = default;
        foreach (var client in clients)
        {
            var key = Key(client);
            if (group is null || group.Count >= maxPerGroup || key != groupKey)
            {
                group = [];
                groupKey = key;
            }
            group.Add(client);
            _groupOf[client] = group;
        }
    }

    /// <summary>Whether the spec and engine ask for batching and this run's fine-tuning supports it; the group limit.</summary>
    public static (bool On, int MaxPerGroup) Setting(RunEnvironment env, EngineOptions engine)
    {
        var spec = env.Spec.ClientBatching;
        bool on = (spec?.Enabled ?? engine.ClientBatching ?? DefaultOn(env.Device)) && BatchedClientTrainer.Supports(env);
        return (on, spec?.MaxClientsPerGroup ?? engine.MaxClientsPerGroup);
    }

    /// <summary>
    /// Whether batching is on when neither the spec nor the engine says: on a GPU, where one client's batch leaves most
    /// of the device idle; not on the CPU, where one client's batch already keeps the cores busy and batching measured
    /// 1.2-1.8x slower for 5-20 clients (docs/performance.md).
    /// </summary>
    public static bool DefaultOn(TorchSharp.torch.Device device) => device.type == TorchSharp.DeviceType.CUDA;

    /// <summary>The client's trained state and result, training its group first if it has not trained yet.</summary>
    public (LocalTrainingResult Result, TrainableState State) Take(int client, double proxMu, CancellationToken ct)
    {
        if (!_done.Remove(client, out var done))
        {
            var group = _groupOf[client];
            var jobs = group.Select(c => new ClientJob(c, _env.Partition.ClientIndices[c], _steps(_env.Partition.ClientIndices[c].Length), SeedMix.Derive(_env.Spec.Seed, _round, c))).ToList();
            using var start = TrainableState.Deserialize(_broadcast, _env.Device);
            var trained = new BatchedClientTrainer(_env).Train(jobs, start, proxMu > 0 ? start : null, proxMu, ct);
            for (int i = 0; i < group.Count; i++)
            {
                _done[group[i]] = trained[i];
            }
            _done.Remove(client, out done);
        }
        return done;
    }

    private (int Steps, int Batch) Key(int client)
    {
        int n = _env.Partition.ClientIndices[client].Length;
        return (_steps(n), Math.Min(_env.Spec.Training.BatchSize, n));
    }

    public void Dispose()
    {
        foreach (var (_, state) in _done.Values)
        {
            state.Dispose();
        }
        _done.Clear();
    }
}
