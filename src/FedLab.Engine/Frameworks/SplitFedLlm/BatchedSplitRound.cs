using FedLab.Engine.Federation;

namespace FedLab.Engine.Frameworks.SplitFedLlm;

/// <summary>
/// A SplitFed round's clients trained in batched groups (<see cref="BatchedSplitTrainer"/>) behind the per-client work
/// the client runner calls, as <see cref="BatchedRound"/> does for FedLLM: the first time the runner asks for a client
/// of a group, the whole group trains; each client's work then receives the round's client-side part and sends its own
/// trained part through its own link, and the per-batch traffic its group counted for it (activations, labels,
/// gradients, as they were produced) is added to that link. Groups hold consecutive clients with the same steps and
/// batch size, at most <c>maxPerGroup</c> of them.
/// What differs from clients one by one, beyond the lockstep order: a group's server steps happen when its first member
/// is asked, so a client the runner then fails (an injected crash, a missed deadline) has already had all its batches
/// applied to the shared server part (one by one, a client that misses the deadline has too; a crash mid-turn stops
/// its batches there). Clients the run's availability plan drops this round (<paramref name="admitted"/> false) are
/// left out of the groups, so their batches never reach the server; should the runner ask for one anyway, it trains
/// one by one (<see cref="Contains"/>). If a group's training fails, every member fails with that reason (its server
/// steps cannot be taken back, so it is not retried).
/// </summary>
public sealed class BatchedSplitRound : IDisposable
{
    private readonly RunEnvironment _env;
    private readonly BatchedSplitTrainer _trainer;
    private readonly Dictionary<int, Group> _groupOf = [];
    private readonly Payload? _start;
    private readonly int _round;
    private readonly Func<int, int> _steps;

    public BatchedSplitRound(RunEnvironment env, BatchedSplitTrainer trainer, int round, IReadOnlyList<int> clients, Payload? start, int maxPerGroup,
        Func<int, int> stepsForExamples, Func<int, bool> admitted)
    {
        _env = env;
        _trainer = trainer;
        _round = round;
        _start = start;
        _steps = stepsForExamples;
        Group? group = null;
        (int, int) groupKey = default;
        foreach (var client in clients.Where(admitted))
        {
            var key = Key(client);
            if (group is null || group.Members.Count >= maxPerGroup || key != groupKey)
            {
                group = new Group();
                groupKey = key;
            }
            group.Members.Add(client);
            _groupOf[client] = group;
        }
    }

    /// <summary>Whether <paramref name="client"/> trains in a group this round (else one by one).</summary>
    public bool Contains(int client) => _groupOf.ContainsKey(client);

    /// <summary>
    /// The client's turn and trained client-side part (null when nothing trains below the cut), training its group first
    /// if it has not trained yet; its group's traffic for it is added to <paramref name="link"/>. The caller owns the state.
    /// </summary>
    public (SplitTurnResult Result, TrainableState? State) Take(int client, TrafficMeter link, CancellationToken ct)
    {
        var group = _groupOf[client];
        int index = group.Members.IndexOf(client);
        if (!group.Started)
        {
            group.Started = true;
            group.Links = group.Members.Select(_ => new TrafficMeter()).ToArray();
            var jobs = group.Members.Select(c => new ClientJob(c, _env.Partition.ClientIndices[c], _steps(_env.Partition.ClientIndices[c].Length), SeedMix.Derive(_env.Spec.Seed, _round, c))).ToList();
            using var start = _start is null ? null : TrainableState.Deserialize(_start, _env.Device);
            try
            {
                group.Results = _trainer.Train(jobs, start, group.Links, ct).ToArray();
            }
            catch (Exception ex) when (ex is not OperationCanceledException && ex is not OutOfMemoryException)
            {
                group.Error = ex.Message;
                link.Add(group.Links[index]); // what the client exchanged before the failure counts
                throw;
            }
        }
        link.Add(group.Links![index]);
        if (group.Error is { } error)
        {
            throw new InvalidOperationException(error);
        }
        var taken = group.Results![index];
        group.Results[index] = default;
        if (taken.Result is null)
        {
            throw new InvalidOperationException($"client {client}'s batched split turn was already taken");
        }
        return taken;
    }

    private (int Steps, int Batch) Key(int client)
    {
        int n = _env.Partition.ClientIndices[client].Length;
        return (_steps(n), Math.Min(_env.Spec.Training.BatchSize, n));
    }

    public void Dispose()
    {
        foreach (var group in _groupOf.Values.Distinct())
        {
            foreach (var (_, state) in group.Results ?? [])
            {
                state?.Dispose();
            }
            group.Results = null;
        }
    }

    private sealed class Group
    {
        public List<int> Members { get; } = [];
        public bool Started { get; set; }
        public TrafficMeter[]? Links { get; set; }
        public (SplitTurnResult Result, TrainableState? State)[]? Results { get; set; }
        public string? Error { get; set; }
    }
}
