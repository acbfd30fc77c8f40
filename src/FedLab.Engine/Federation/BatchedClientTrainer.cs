using System.Diagnostics;
using FedLab.Engine.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Federation;

/// <summary>One client's local training job in a batched group: its examples, optimizer steps and seed.</summary>
public sealed record ClientJob(int ClientId, IReadOnlyList<int> Indices, int Steps, long Seed);

/// <summary>
/// Trains a group of clients together (issue 16): at step t every client's batch goes through ONE forward and backward
/// pass of the shared frozen base (one large GEMM per linear layer over the concatenated batches, padded to the group's
/// longest example), each client's LoRA adapter is applied to its own rows with batched matmuls (adapters stacked
/// [clients, r, in] / [clients, out, r]), and each client's head likewise. The loss is the sum of the clients' mean
/// losses, so each client's gradient is exactly its own; AdamW is elementwise, so one optimizer over the stacked
/// tensors is each client's own optimizer. The same computation as <see cref="LocalTrainer"/> client by client, up to
/// floating-point summation order and padding; dropout masks are drawn for the whole group (seeded by the first
/// client's seed), so with dropout the numbers differ from sequential training (deterministically).
/// Full fine-tuning batches the same way with every trainable tensor stacked per client (<see cref="PerClientModel"/>):
/// no GEMM is shared then, each linear layer is one batched matmul over the clients' own weights.
/// Requires LoRA, or full fine-tuning of a classifier whose family applies per-client parameters (BERT); every client
/// of a group takes the same number of steps with the same batch size.
/// </summary>
/// <remarks>
/// By default it trains the run's model; KD clients of another architecture pass their own model, trainable parameters
/// and FLOP model (as with <see cref="LocalTrainer"/>).
/// </remarks>
public sealed class BatchedClientTrainer(RunEnvironment env, SequenceClassifier model, IReadOnlyList<(string Name, Parameter Parameter)> trainable, FlopModel flops)
{
    public BatchedClientTrainer(RunEnvironment env)
        : this(env, env.Model, env.Trainable, env.Flops)
    {
    }

    /// <summary>Whether this run's fine-tuning can be batched across clients (else its clients train one after another).</summary>
    public static bool Supports(RunEnvironment env) => Supports(env, env.Model);

    /// <summary>
    /// Whether <paramref name="model"/> (the run's, or a KD client architecture's) can train in batched groups. A generative
    /// run (next-token loss over the vocabulary, no classification head) trains its clients one by one.
    /// </summary>
    public static bool Supports(RunEnvironment env, SequenceClassifier model) => env.Generative is null && env.Mode switch
    {
        FineTuneMode.Lora => env.Lora is not null,
        FineTuneMode.Full => model.Backbone.AppliesPerClientParameters,
        _ => false,
    };

    /// <summary>Trains <paramref name="jobs"/> from <paramref name="start"/>; per job, in order, its result and final state.</summary>
    public IReadOnlyList<(LocalTrainingResult Result, TrainableState State)> Train(
        IReadOnlyList<ClientJob> jobs, TrainableState start, TrainableState? proxReference, double proxMu, CancellationToken ct) =>
        Train(jobs, [start], proxReference, proxMu, ct);

    /// <summary>
    /// Trains <paramref name="jobs"/>, each from its own start state (KD clients keep their own models), or all from
    /// one when <paramref name="starts"/> holds one; per job, in order, its result and final state.
    /// </summary>
    public IReadOnlyList<(LocalTrainingResult Result, TrainableState State)> Train(
        IReadOnlyList<ClientJob> jobs, IReadOnlyList<TrainableState> starts, TrainableState? proxReference, double proxMu, CancellationToken ct)
    {
        if (!Supports(env, model))
        {
            throw new InvalidOperationException("batched client training needs LoRA, or full fine-tuning of a classifier whose model family applies per-client parameters (BERT)");
        }
        int g = jobs.Count;
        int steps = jobs[0].Steps;
        var t = env.Spec.Training;
        int batchSize = Math.Min(t.BatchSize, jobs[0].Indices.Count);
        if (jobs.Any(j => j.Steps != steps || Math.Min(t.BatchSize, j.Indices.Count) != batchSize))
        {
            throw new ArgumentException("every client of a batched group must take the same steps with the same batch size", nameof(jobs));
        }
        var clock = Stopwatch.StartNew();
        random.manual_seed(jobs[0].Seed);
        var cursors = jobs.Select(j => new BatchCursor(j.Indices, t.BatchSize, j.Seed)).ToArray();

        // One stacked parameter [g, ...] per trainable tensor: every client from the same state, or each from its own.
        var names = trainable.Select(p => p.Name).ToList();
        if (starts.Count != 1 && starts.Count != g)
        {
            throw new ArgumentException("give one start state for all jobs or one per job", nameof(starts));
        }
        if (starts.Any(start => !names.SequenceEqual(start.Tensors.Select(s => s.Key))))
        {
            throw new ArgumentException("the start state must hold the run's trainable tensors in their order", nameof(starts));
        }
        var stacked = new List<Parameter>(names.Count);
        using (no_grad())
        using (NewDisposeScope())
        {
            for (int i = 0; i < names.Count; i++)
            {
                var value = starts[0].Tensors[i].Value;
                var initial = starts.Count == 1 ? value.unsqueeze(0).expand(Shape(g, value)).contiguous() : stack(starts.Select(s => s.Tensors[i].Value).ToArray());
                var parameter = new Parameter(initial, requires_grad: true);
                stacked.Add((Parameter)parameter.DetachFromDisposeScope());
            }
        }
        try
        {
            return TrainGroup(jobs, g, steps, batchSize, cursors, names, stacked, proxReference, proxMu, clock, ct);
        }
        finally
        {
            // Full fine-tuning keeps g copies of the model here: free them now, not at the next collection.
            foreach (var p in stacked)
            {
                p.Dispose();
            }
        }
    }

    private List<(LocalTrainingResult Result, TrainableState State)> TrainGroup(IReadOnlyList<ClientJob> jobs, int g, int steps, int batchSize,
        BatchCursor[] cursors, List<string> names, List<Parameter> stacked, TrainableState? proxReference, double proxMu, Stopwatch clock, CancellationToken ct)
    {
        var t = env.Spec.Training;
        var byName = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => stacked[x.i]);
        // A module can be registered under two paths (a family's private alias); the trainable names say which one counts.
        var linears = env.Mode == FineTuneMode.Lora
            ? AdaptedLinears().Where(l => byName.ContainsKey(l.Path + ".lora_A.weight")).DistinctBy(l => l.Linear).ToList()
            : [];
        if (env.Mode == FineTuneMode.Lora && linears.Count * 2 + 2 != names.Count)
        {
            throw new InvalidOperationException($"batched training found {linears.Count} adapted layers for {names.Count} trainable tensors");
        }
        double scaling = env.Lora?.Scaling ?? 0;
        double dropout = env.Lora?.Dropout ?? 0;
        var headWeight = byName["head.dense.weight"];
        var headBias = byName["head.dense.bias"];
        var pooling = model.Backbone.Pooling;

        var lossSums = new double[g];
        var flopsOf = new double[g];
        PerClientModel? perClientModel = null;
        try
        {
            if (env.Mode == FineTuneMode.Full)
            {
                perClientModel = PerClientModel.Register(model, byName, g);
            }
            foreach (var (path, linear) in linears)
            {
                var a = byName[path + ".lora_A.weight"]; // [g, r, in]
                var b = byName[path + ".lora_B.weight"]; // [g, out, r]
                linear.AdapterOverride = StackedLora.Override(a, b, g, scaling, dropout, model);
            }
            using var optimizer = optim.AdamW(stacked, t.LearningRate, weight_decay: t.WeightDecay);
            model.train();
            var all = new int[g * batchSize];
            for (int step = 0; step < steps; step++)
            {
                ct.ThrowIfCancellationRequested();
                for (int c = 0; c < g; c++)
                {
                    cursors[c].Next().CopyTo(all.AsSpan(c * batchSize, batchSize));
                }
                using var scope = NewDisposeScope();
                var data = env.Train.MakeBatch(all, env.Device);
                optimizer.zero_grad();
                var hidden = model.Encode(data.InputIds, data.AttentionMask);
                var pooled = pooling == SequencePooling.LastToken
                    ? ClassificationHead.LastTokenPool(hidden, data.AttentionMask)
                    : ClassificationHead.MeanPool(hidden, data.AttentionMask);
                if (step == 0)
                {
                    perClientModel?.CheckApplied();
                }
                var logits = pooled.view(g, batchSize, -1).bmm(headWeight.transpose(1, 2)) + headBias.unsqueeze(1); // [g, b, classes]
                var perExample = nn.functional.cross_entropy(logits.view(g * batchSize, -1), data.Labels, reduction: nn.Reduction.None);
                var perClient = perExample.view(g, batchSize).mean([1]);
                var loss = perClient.sum();
                var values = perClient.detach().cpu().data<float>().ToArray();
                for (int c = 0; c < g; c++)
                {
                    lossSums[c] += values[c];
                }
                if (proxReference is not null && proxMu > 0)
                {
                    loss = loss + ProximalTerm(stacked, proxReference) * (proxMu / 2);
                }
                loss.backward();
                optimizer.step();
                // Each client's FLOPs as if trained alone on its own batch (padded to its own longest example).
                for (int c = 0; c < g; c++)
                {
                    int tokens = 0;
                    foreach (var i in all.AsSpan(c * batchSize, batchSize))
                    {
                        tokens = Math.Max(tokens, env.Train.Ids[i].Length);
                    }
                    flopsOf[c] += flops.TrainStep(batchSize, tokens, 0, model.NumLayers, includeHead: true);
                }
            }
        }
        finally
        {
            perClientModel?.Dispose();
            foreach (var (_, linear) in linears)
            {
                linear.AdapterOverride = null;
            }
        }

        double seconds = clock.Elapsed.TotalSeconds;
        var results = new List<(LocalTrainingResult, TrainableState)>(g);
        using (no_grad())
        using (NewDisposeScope())
        {
            for (int c = 0; c < g; c++)
            {
                var tensors = names.Select((n, i) => new KeyValuePair<string, Tensor>(n, stacked[i][c].clone().DetachFromDisposeScope())).ToList();
                var result = new LocalTrainingResult(steps * batchSize, steps, steps == 0 ? 0 : lossSums[c] / steps, flopsOf[c], seconds / g);
                results.Add((result, TrainableState.FromTensors(tensors)));
            }
        }
        return results;
    }

    private static long[] Shape(int g, Tensor value) => [g, .. value.shape];

    /// <summary>The model's adapted linear layers with their module paths (the prefix of their adapter's parameter names).</summary>
    private IEnumerable<(string Path, AdaptableLinear Linear)> AdaptedLinears()
    {
        foreach (var (name, module) in model.named_modules())
        {
            if (module is AdaptableLinear { HasAdapter: true } linear)
            {
                yield return (name, linear);
            }
        }
    }

    private static Tensor ProximalTerm(List<Parameter> stacked, TrainableState reference)
    {
        Tensor? sum = null;
        for (int i = 0; i < stacked.Count; i++)
        {
            var diff = (stacked[i] - reference.Tensors[i].Value.unsqueeze(0)).pow(2).sum();
            sum = sum is null ? diff : sum + diff;
        }
        return sum!;
    }
}
