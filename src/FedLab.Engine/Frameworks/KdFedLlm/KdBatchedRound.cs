using System.Diagnostics;
using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Remote;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.KdFedLlm;

/// <summary>
/// A KD round's client work in batched groups (issue 16), behind the per-client work the client runner calls, as
/// <see cref="BatchedRound"/> does for FedLLM. Groups hold clients of ONE architecture (up to the group limit, in client
/// order, not necessarily consecutive: heterogeneous <c>kd.clientModels</c> alternate architectures). The first time the
/// runner asks for a member, the whole group works:
/// phase 1 trains every member from ITS OWN state (<see cref="BatchedClientTrainer"/> with per-job starts), then computes
/// every member's log-probabilities on the public set in one batched forward per public batch (the batch repeated once
/// per member, each member's adapters and head on its own copy: g x the evaluation batch rows at a time), and encodes
/// each member's upload from its own rows; phase 2 distils every member towards the consensus (the same teacher) with
/// its own stacked state and AdamW moments. A member's result is committed to its own state only when the runner asks
/// for it, so a client the runner drops keeps its old state, as it would one by one. Each client's FLOPs are what its
/// work costs alone; its seconds are the group's time divided by its members.
/// Not batched (one by one as before): singleton groups, architectures <see cref="BatchedClientTrainer.Supports(RunEnvironment, SequenceClassifier)"/>
/// refuses, and generative tasks (their public set is answer positions over the vocabulary).
/// </summary>
internal sealed class KdBatchedRound : IDisposable
{
    private readonly KdClientSide _side;
    private readonly TrainableState?[] _states;
    private readonly int _round;
    private readonly int _maxPerGroup;
    private readonly Dictionary<int, List<int>> _shareGroupOf;
    private readonly Dictionary<int, Shared> _shared = [];
    private Dictionary<int, List<int>> _distilGroupOf = [];
    private readonly Dictionary<int, Distilled> _distilled = [];
    private Tensor? _teacher;

    private sealed record Shared(TrainableState State, Payload Upload, ClientProgramResult Result);

    private sealed record Distilled(TrainableState State, double Flops, double Seconds);

    public KdBatchedRound(KdClientSide side, TrainableState?[] states, int round, IReadOnlyList<int> clients, int maxPerGroup)
    {
        _side = side;
        _states = states;
        _round = round;
        _maxPerGroup = maxPerGroup;
        var env = side.Env;
        _shareGroupOf = Groups(clients, c =>
        {
            var architecture = side.ArchitectureOf[c];
            int examples = env.Partition.ClientIndices[c].Length;
            return (architecture.Key, architecture.Trainer.StepsFor(examples), Math.Min(env.Spec.Training.BatchSize, examples));
        });
    }

    /// <summary>Whether this run's KD clients can train in batched groups at all (classification; LoRA or BERT full fine-tuning).</summary>
    public static bool Supports(RunEnvironment env) => env.Generative is null && BatchedClientTrainer.Supports(env);

    /// <summary>Whether the client's phase 1 runs in a batched group (else one by one through the client program).</summary>
    public bool SharesInGroup(int client) => _shareGroupOf.ContainsKey(client);

    /// <summary>The members of the client's phase 1 group (empty: it works alone).</summary>
    public IReadOnlyList<int> ShareGroupOf(int client) => _shareGroupOf.TryGetValue(client, out var group) ? group : [];

    /// <summary>Whether the client's phase 2 runs in a batched group (after <see cref="PlanDistillation"/>).</summary>
    public bool DistilsInGroup(int client) => _distilGroupOf.ContainsKey(client);

    /// <summary>Phase 1 of a client: its upload and result, its group trained and shared first if it has not yet.</summary>
    public (Payload Upload, ClientProgramResult Result) Share(int client, CancellationToken ct)
    {
        if (!_shared.ContainsKey(client))
        {
            ShareGroup(_shareGroupOf[client], ct);
        }
        _shared.Remove(client, out var done);
        Commit(client, done!.State);
        return (done.Upload, done.Result);
    }

    /// <summary>Phase 2's groups: the clients that finished phase 1, by architecture.</summary>
    public void PlanDistillation(IReadOnlyList<int> clients) => _distilGroupOf = Groups(clients, c => (_side.ArchitectureOf[c].Key, 0, 0));

    /// <summary>Phase 2 of a client: the FLOPs its distillation costs alone and its share of the group's seconds.</summary>
    public (double Flops, double Seconds) Distil(int client, Payload consensus, CancellationToken ct)
    {
        if (!_distilled.ContainsKey(client))
        {
            _teacher ??= LogitsCodec.Decode(consensus, _side.Classes, _side.Env.Device).DetachFromDisposeScope(); // held across the runner's calls
            DistilGroup(_distilGroupOf[client], _teacher, ct);
        }
        _distilled.Remove(client, out var done);
        Commit(client, done!.State);
        return (done.Flops, done.Seconds);
    }

    /// <summary>
    /// Clients with the same key, in client order, up to the group limit per group; singletons and clients whose
    /// architecture cannot be batched (<see cref="BatchedClientTrainer.Supports(RunEnvironment, SequenceClassifier)"/>) are left out.
    /// </summary>
    private Dictionary<int, List<int>> Groups(IReadOnlyList<int> clients, Func<int, (string, int, int)> key)
    {
        var groups = new List<List<int>>();
        var open = new Dictionary<(string, int, int), List<int>>();
        foreach (var client in clients.Where(c => BatchedClientTrainer.Supports(_side.Env, _side.ArchitectureOf[c].Model)))
        {
            var k = key(client);
            if (!open.TryGetValue(k, out var group) || group.Count >= _maxPerGroup)
            {
                open[k] = group = [];
                groups.Add(group);
            }
            group.Add(client);
        }
        return groups.Where(g => g.Count > 1).SelectMany(g => g.Select(c => (c, g))).ToDictionary(x => x.c, x => x.g);
    }

    private void ShareGroup(List<int> group, CancellationToken ct)
    {
        var env = _side.Env;
        var architecture = _side.ArchitectureOf[group[0]];
        var clock = Stopwatch.StartNew();
        var jobs = group.Select(c =>
        {
            var indices = env.Partition.ClientIndices[c];
            return new ClientJob(c, indices, architecture.Trainer.StepsFor(indices.Length), SeedMix.Derive(env.Spec.Seed, _round, c));
        }).ToList();
        var starts = group.Select(c => _states[c] ?? architecture.Initial).ToList();
        var trained = new BatchedClientTrainer(env, architecture.Model, architecture.Trainable, architecture.Flops).Train(jobs, starts, null, 0, ct);
        try
        {
            var (logProbs, forwardFlops) = PublicLogits(architecture, trained.Select(t => t.State).ToList(), ct);
            var uploads = new Payload[group.Count];
            using (logProbs)
            {
                for (int i = 0; i < group.Count; i++)
                {
                    using var own = logProbs[i];
                    uploads[i] = LogitsCodec.Encode(own, _side.Kd.TopK, _side.Kd.LogitPrecision);
                }
            }
            double seconds = clock.Elapsed.TotalSeconds / group.Count;
            for (int i = 0; i < group.Count; i++)
            {
                var (local, state) = trained[i];
                _shared[group[i]] = new Shared(state, uploads[i], ClientProgramResult.Of(local) with { Flops = local.Flops + forwardFlops, Seconds = seconds });
            }
        }
        catch
        {
            trained.ToList().ForEach(t => t.State.Dispose());
            throw;
        }
    }

    /// <summary>
    /// Log-probabilities [members, N, C] of each member's state on the public set, in eval mode: each public batch
    /// repeated once per member, so every member's rows are padded exactly as its own batch would be; and the FLOPs of
    /// ONE member's pass (each member's cost alone).
    /// </summary>
    private (Tensor LogProbs, double Flops) PublicLogits(KdArchitecture architecture, IReadOnlyList<TrainableState> states, CancellationToken ct)
    {
        var env = _side.Env;
        var publicSet = _side.Public;
        int g = states.Count;
        int batchSize = env.Spec.Training.EvalBatchSize;
        var stacked = Stack(architecture, states, trainable: false);
        var result = empty(g, publicSet.Count, env.Dataset.NumClasses, device: env.Device).DetachFromDisposeScope();
        double flops = 0;
        architecture.Model.eval();
        try
        {
            using var _ = no_grad();
            using var forward = new PerClientForward(env, architecture.Model, stacked, g);
            var all = new int[g * batchSize];
            for (int start = 0; start < publicSet.Count; start += batchSize)
            {
                ct.ThrowIfCancellationRequested();
                int n = Math.Min(batchSize, publicSet.Count - start);
                for (int c = 0; c < g; c++)
                {
                    for (int i = 0; i < n; i++)
                    {
                        all[c * n + i] = start + i;
                    }
                }
                using var scope = NewDisposeScope();
                var batch = publicSet.MakeBatch(all.AsSpan(0, g * n), env.Device);
                var logits = forward.Logits(batch.InputIds, batch.AttentionMask); // [g, n, C]
                result.narrow(1, start, n).copy_(nn.functional.log_softmax(logits, 2));
                flops += architecture.Flops.Forward(n, batch.Tokens);
            }
            return (result, flops);
        }
        catch
        {
            result.Dispose();
            throw;
        }
        finally
        {
            architecture.Model.train();
            Dispose(stacked);
        }
    }

    /// <summary>
    /// Distils every member towards <paramref name="teacher"/> as <see cref="Distiller"/> does one by one: its own
    /// batches of the public set (seeded by round and client), loss T²·KL per member summed over members (so each
    /// member's gradient is its own), one AdamW over the stacked states (elementwise: each member's own optimizer).
    /// </summary>
    private void DistilGroup(List<int> group, Tensor teacher, CancellationToken ct)
    {
        var env = _side.Env;
        var t = env.Spec.Training;
        var kd = _side.Kd;
        var publicSet = _side.Public;
        var architecture = _side.ArchitectureOf[group[0]];
        var clock = Stopwatch.StartNew();
        int g = group.Count;
        int steps = kd.DistillationSteps;
        int b = Math.Min(t.BatchSize, publicSet.Count);
        double temperature = kd.Temperature;
        var seeds = group.Select(c => SeedMix.Derive(env.Spec.Seed, _round, c, 1)).ToList();
        random.manual_seed(seeds[0]); // dropout masks are drawn for the whole group
        var cursors = seeds.Select(s => new BatchCursor(Enumerable.Range(0, publicSet.Count).ToArray(), t.BatchSize, s)).ToArray();
        var starts = group.Select(c => _states[c] ?? throw new InvalidOperationException($"client {c} has not trained this round")).ToList();
        var stacked = Stack(architecture, starts, trainable: true);
        var flopsOf = new double[g];
        try
        {
            using (var forward = new PerClientForward(env, architecture.Model, stacked, g))
            using (var optimizer = optim.AdamW(stacked.Values.ToList(), kd.DistillationLearningRate ?? t.LearningRate, weight_decay: t.WeightDecay))
            {
                architecture.Model.train();
                var all = new int[g * b];
                var rows = new long[g * b];
                for (int step = 0; step < steps; step++)
                {
                    ct.ThrowIfCancellationRequested();
                    for (int c = 0; c < g; c++)
                    {
                        cursors[c].Next().CopyTo(all.AsSpan(c * b, b));
                    }
                    for (int i = 0; i < all.Length; i++)
                    {
                        rows[i] = all[i];
                    }
                    using var scope = NewDisposeScope();
                    var data = publicSet.MakeBatch(all, env.Device);
                    optimizer.zero_grad();
                    var student = nn.functional.log_softmax(forward.Logits(data.InputIds, data.AttentionMask) / temperature, 2);
                    var target = nn.functional.log_softmax(teacher.index_select(0, tensor(rows, device: env.Device)).view(g, b, -1) / temperature, 2);
                    var perClient = nn.functional.kl_div(student, target, log_target: true, reduction: nn.Reduction.None).view(g, -1).sum(1) * (temperature * temperature / b);
                    perClient.sum().backward();
                    optimizer.step();
                    for (int c = 0; c < g; c++)
                    {
                        int tokens = 0;
                        foreach (var i in all.AsSpan(c * b, b))
                        {
                            tokens = Math.Max(tokens, publicSet.Ids[i].Length);
                        }
                        flopsOf[c] += architecture.Flops.TrainStep(b, tokens, 0, architecture.Model.NumLayers, includeHead: true);
                    }
                }
            }
            double seconds = clock.Elapsed.TotalSeconds / g;
            using (no_grad())
            using (NewDisposeScope())
            {
                var names = architecture.Trainable.Select(p => p.Name).ToList();
                for (int c = 0; c < g; c++)
                {
                    var tensors = names.Select(n => new KeyValuePair<string, Tensor>(n, stacked[n][c].clone().DetachFromDisposeScope())).ToList();
                    _distilled[group[c]] = new Distilled(TrainableState.FromTensors(tensors), flopsOf[c], seconds);
                }
            }
        }
        finally
        {
            Dispose(stacked);
        }
    }

    /// <summary>Each trainable tensor of the members' states stacked [members, ...], by name.</summary>
    private static Dictionary<string, Parameter> Stack(KdArchitecture architecture, IReadOnlyList<TrainableState> states, bool trainable)
    {
        var stacked = new Dictionary<string, Parameter>(architecture.Trainable.Count);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        for (int i = 0; i < architecture.Trainable.Count; i++)
        {
            var values = states.Select(s => s.Tensors[i].Value).ToArray();
            var parameter = new Parameter(stack(values), requires_grad: trainable);
            stacked[architecture.Trainable[i].Name] = (Parameter)parameter.DetachFromDisposeScope();
        }
        return stacked;
    }

    private static void Dispose(Dictionary<string, Parameter> stacked)
    {
        foreach (var p in stacked.Values)
        {
            p.Dispose();
        }
    }

    /// <summary>The client's new own state (its old one freed).</summary>
    private void Commit(int client, TrainableState state)
    {
        var old = _states[client];
        _states[client] = state;
        old?.Dispose();
    }

    public void Dispose()
    {
        foreach (var done in _shared.Values)
        {
            done.State.Dispose();
        }
        _shared.Clear();
        foreach (var done in _distilled.Values)
        {
            done.State.Dispose();
        }
        _distilled.Clear();
        _teacher?.Dispose();
    }
}
