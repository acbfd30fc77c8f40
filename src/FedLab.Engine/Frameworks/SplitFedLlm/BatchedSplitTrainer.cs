using System.Diagnostics;
using FedLab.Engine.Federation;
using FedLab.Engine.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.SplitFedLlm;

/// <summary>
/// The client half of SplitFed for a group of clients in one batched pass (issue 16). Per step t: ONE forward of the
/// client-side part over the group's concatenated batches (each client's own client-side state on its own rows: LoRA
/// adapters stacked [clients, r, in] / [clients, out, r] through <see cref="AdaptableLinear.AdapterOverride"/>, or
/// every client-side weight stacked through <see cref="PerClientModel"/>; nothing when the bottom is frozen); then, per
/// client in client order, exactly the one-by-one protocol: its activations (its own rows, cut to its own padded
/// length) and labels encoded by <see cref="ActivationCodec"/> and counted on its link, the server's top forward,
/// backward and optimizer step on the decoded copy (each client its own server AdamW, fresh for the turn, as in the
/// one-by-one path), its activation gradient encoded and counted; then ONE backward of the bottom with the clients'
/// decoded gradients and one AdamW step over the stacked client-side state (AdamW is elementwise: each client's own
/// optimizer).
/// The server part therefore sees the group's batches in LOCKSTEP order (client 1 step 1, client 2 step 1, …, client 1
/// step 2, …), as parallel SplitFed clients' batches reach a real server; the one-by-one path feeds it client 1's batches
/// first, then client 2's. The two differ in numbers for that reason only: the batched group equals the same lockstep
/// schedule run one client at a time up to floating-point summation order (tests/…/BatchedSplitTests.cs). Bytes per
/// client are those of the one-by-one path exactly (the same payloads, shapes and precision). Dropout masks are drawn for
/// the whole group (seeded by the first client's seed), so with dropout the numbers differ again (deterministically).
/// Every client of a group takes the same steps with the same batch size.
/// </summary>
public sealed class BatchedSplitTrainer(RunEnvironment env, SplitParts parts, SplitProtocol protocol)
{
    /// <summary>
    /// Trains <paramref name="jobs"/> from the round's client-side part <paramref name="start"/> (null: nothing trains
    /// below the cut). Each client's payloads are counted on its own <paramref name="links"/> entry as they are produced.
    /// Per job, in order: its turn and its final client-side state (null when nothing trains below the cut).
    /// </summary>
    public IReadOnlyList<(SplitTurnResult Result, TrainableState? State)> Train(
        IReadOnlyList<ClientJob> jobs, TrainableState? start, IReadOnlyList<TrafficMeter> links, CancellationToken ct)
    {
        int g = jobs.Count;
        int steps = jobs[0].Steps;
        var t = env.Spec.Training;
        int batchSize = Math.Min(t.BatchSize, jobs[0].Indices.Count);
        if (jobs.Any(j => j.Steps != steps || Math.Min(t.BatchSize, j.Indices.Count) != batchSize) || links.Count != g)
        {
            throw new ArgumentException("every client of a batched split group must take the same steps with the same batch size, each with its link", nameof(jobs));
        }
        bool trains = parts.Client.Count > 0;
        if (trains != protocol.ClientTrains || trains != (start is not null))
        {
            throw new ArgumentException("the start state must be the client-side part exactly when the client side trains", nameof(start));
        }
        var names = parts.Client.Select(p => p.Name).ToList();
        if (start is not null && !names.SequenceEqual(start.Tensors.Select(s => s.Key)))
        {
            throw new ArgumentException("the start state must hold the client-side tensors in their order", nameof(start));
        }

        random.manual_seed(jobs[0].Seed);
        var stacked = new List<Parameter>(names.Count);
        if (start is not null)
        {
            using (no_grad())
            using (NewDisposeScope())
            {
                foreach (var (_, value) in start.Tensors)
                {
                    long[] shape = [g, .. value.shape];
                    var parameter = new Parameter(value.unsqueeze(0).expand(shape).contiguous(), requires_grad: true);
                    stacked.Add((Parameter)parameter.DetachFromDisposeScope());
                }
            }
        }
        try
        {
            return TrainGroup(jobs, g, steps, batchSize, names, stacked, links, ct);
        }
        finally
        {
            foreach (var p in stacked)
            {
                p.Dispose();
            }
        }
    }

    private List<(SplitTurnResult Result, TrainableState? State)> TrainGroup(IReadOnlyList<ClientJob> jobs, int g, int steps, int batchSize,
        List<string> names, List<Parameter> stacked, IReadOnlyList<TrafficMeter> links, CancellationToken ct)
    {
        var t = env.Spec.Training;
        var precision = env.Spec.Split.ActivationPrecision;
        bool trains = stacked.Count > 0;
        var byName = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => stacked[x.i]);
        var cursors = jobs.Select(j => new BatchCursor(j.Indices, t.BatchSize, j.Seed)).ToArray();
        var clientClock = Stopwatch.StartNew();
        var serverClocks = jobs.Select(_ => new Stopwatch()).ToArray();
        var lossSums = new double[g];
        var clientFlops = new double[g];
        var serverFlops = new double[g];

        var linears = trains && env.Mode == FineTuneMode.Lora
            ? AdaptedLinears().Where(l => byName.ContainsKey(l.Path + ".lora_A.weight")).DistinctBy(l => l.Linear).ToList()
            : [];
        if (trains && env.Mode == FineTuneMode.Lora && linears.Count * 2 != names.Count)
        {
            throw new InvalidOperationException($"batched split training found {linears.Count} adapted layers below the cut for {names.Count} client-side tensors");
        }
        PerClientModel? perClientModel = null;
        var serverOptimizers = new List<optim.Optimizer>(g);
        optim.Optimizer? clientOptimizer = null;
        try
        {
            if (trains && env.Mode == FineTuneMode.Full)
            {
                perClientModel = PerClientModel.Register(env.Model, byName, g);
            }
            else if (trains && env.Mode != FineTuneMode.Lora)
            {
                throw new InvalidOperationException($"batched split training cannot apply a client-side part of {env.Mode} fine-tuning per client");
            }
            ApplyAdapters(linears, byName, g);
            clientOptimizer = trains ? optim.AdamW(stacked, t.LearningRate, weight_decay: t.WeightDecay) : null;
            var server = parts.Server.Select(p => p.Parameter).ToList();
            for (int c = 0; c < g; c++)
            {
                serverOptimizers.Add(optim.AdamW(server, t.LearningRate, weight_decay: t.WeightDecay));
            }
            env.Model.train();
            var all = new int[g * batchSize];
            var gradients = new Tensor[g];
            for (int step = 0; step < steps; step++)
            {
                ct.ThrowIfCancellationRequested();
                for (int c = 0; c < g; c++)
                {
                    cursors[c].Next().CopyTo(all.AsSpan(c * batchSize, batchSize));
                }
                using var scope = NewDisposeScope();
                var data = env.Train.MakeBatch(all, env.Device);
                clientOptimizer?.zero_grad();
                Tensor hidden;
                if (trains)
                {
                    hidden = env.Model.Bottom(data.InputIds, data.AttentionMask, protocol.Cut);
                }
                else
                {
                    using var _ = no_grad();
                    hidden = env.Model.Bottom(data.InputIds, data.AttentionMask, protocol.Cut);
                }
                if (step == 0)
                {
                    perClientModel?.CheckApplied();
                }
                for (int c = 0; c < g; c++)
                {
                    // The client's own batch as the one-by-one path makes it: its mask, labels and padded length.
                    var own = env.Train.MakeBatch(all.AsSpan(c * batchSize, batchSize), env.Device);
                    using var rows = hidden.narrow(0, c * batchSize, batchSize);
                    using var mine = rows.narrow(1, 0, own.Tokens);
                    using var activations = mine.contiguous();
                    var up = links[c].Sent(ActivationCodec.EncodeActivations(activations, own.AttentionMask, precision));
                    var labels = links[c].Sent(ActivationCodec.EncodeLabels(own.Labels));
                    clientFlops[c] += env.Flops.TrainStep(own.Size, own.Tokens, 0, protocol.Cut, includeHead: false);

                    clientClock.Stop();
                    serverClocks[c].Start();
                    serverOptimizers[c].zero_grad();
                    var result = protocol.ServerStep(up, labels);
                    serverOptimizers[c].step();
                    serverClocks[c].Stop();
                    clientClock.Start();

                    lossSums[c] += result.Loss;
                    serverFlops[c] += env.Flops.TrainStep(result.Examples, result.Tokens, protocol.Cut, env.Flops.Layers, includeHead: true);
                    if (result.Gradient is not null)
                    {
                        var down = links[c].Received(result.Gradient);
                        var gradient = ActivationCodec.DecodeGradient(down, env.Device);
                        long missing = hidden.shape[1] - own.Tokens;
                        gradients[c] = missing == 0 ? gradient : nn.functional.pad(gradient, [0, 0, 0, missing]); // zero below the group's padding
                    }
                }
                if (trains)
                {
                    using var joined = cat(gradients, 0);
                    hidden.backward([joined]);
                    clientOptimizer!.step();
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
            clientOptimizer?.Dispose();
            foreach (var optimizer in serverOptimizers)
            {
                optimizer.Dispose();
            }
        }

        double clientSeconds = clientClock.Elapsed.TotalSeconds;
        var results = new List<(SplitTurnResult, TrainableState?)>(g);
        using (no_grad())
        using (NewDisposeScope())
        {
            for (int c = 0; c < g; c++)
            {
                var state = trains
                    ? TrainableState.FromTensors(names.Select((n, i) => new KeyValuePair<string, Tensor>(n, stacked[i][c].clone().DetachFromDisposeScope())).ToList())
                    : null;
                var turn = new SplitTurnResult(steps * batchSize, steps, steps == 0 ? 0 : lossSums[c] / steps, clientFlops[c], clientSeconds / g,
                    serverClocks[c].Elapsed.TotalSeconds, serverFlops[c]);
                results.Add((turn, state));
            }
        }
        return results;
    }

    /// <summary>Each client's LoRA adapter on its own rows of the client-side layers (batched matmuls over the stacked adapters).</summary>
    private void ApplyAdapters(List<(string Path, AdaptableLinear Linear)> linears, Dictionary<string, Parameter> byName, int g)
    {
        double scaling = env.Lora?.Scaling ?? 0;
        double dropout = env.Lora?.Dropout ?? 0;
        foreach (var (path, linear) in linears)
        {
            var a = byName[path + ".lora_A.weight"]; // [g, r, in]
            var b = byName[path + ".lora_B.weight"]; // [g, out, r]
            linear.AdapterOverride = StackedLora.Override(a, b, g, scaling, dropout, env.Model);
        }
    }

    /// <summary>The model's adapted linear layers with their module paths (the prefix of their adapter's parameter names).</summary>
    private IEnumerable<(string Path, AdaptableLinear Linear)> AdaptedLinears()
    {
        foreach (var (name, module) in env.Model.named_modules())
        {
            if (module is AdaptableLinear { HasAdapter: true } linear)
            {
                yield return (name, linear);
            }
        }
    }
}
