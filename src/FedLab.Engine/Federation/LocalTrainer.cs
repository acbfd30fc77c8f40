using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Federation;

/// <summary>
/// Local fine-tuning on one client's examples: AdamW over the trainable parameters, cross-entropy loss,
/// optionally FedProx's proximal term (mu/2)·||w − w_global||². One dispose scope per batch; synchronous,
/// on the run's thread.
/// </summary>
public sealed class LocalTrainer(RunEnvironment env)
{
    /// <summary>Optimizer steps that <paramref name="examples"/> examples need for the spec's local steps or epochs.</summary>
    public int StepsFor(int examples)
    {
        var t = env.Spec.Training;
        return t.LocalSteps ?? Math.Max(1, (int)Math.Ceiling(t.LocalEpochs!.Value * examples / t.BatchSize));
    }

    public LocalTrainingResult Train(IReadOnlyList<int> indices, int steps, long seed, TrainableState? proxReference, double proxMu, CancellationToken ct)
    {
        var t = env.Spec.Training;
        var stopwatch = Stopwatch.StartNew();
        random.manual_seed(seed); // dropout masks depend only on (run seed, round, client)
        var rng = new Random(unchecked((int)seed));
        var order = indices.ToArray();
        rng.Shuffle(order);
        int cursor = 0;

        var parameters = env.Trainable.Select(p => p.Parameter).ToList();
        using var optimizer = optim.AdamW(parameters, t.LearningRate, weight_decay: t.WeightDecay);
        env.Model.train();
        double lossSum = 0, flops = 0;
        int examples = 0;
        var batch = new int[Math.Min(t.BatchSize, order.Length)];
        for (int step = 0; step < steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            for (int b = 0; b < batch.Length; b++)
            {
                if (cursor == order.Length)
                {
                    rng.Shuffle(order);
                    cursor = 0;
                }
                batch[b] = order[cursor++];
            }
            using var scope = NewDisposeScope();
            var data = env.Train.MakeBatch(batch, env.Device);
            optimizer.zero_grad();
            var logits = env.Model.forward(data.InputIds, data.AttentionMask);
            var loss = nn.functional.cross_entropy(logits, data.Labels);
            lossSum += loss.item<float>();
            if (proxReference is not null && proxMu > 0)
            {
                loss = loss + ProximalTerm(proxReference) * (proxMu / 2);
            }
            loss.backward();
            optimizer.step();
            examples += data.Size;
            flops += env.Flops.TrainStep(data.Size, data.Tokens, 0, env.Model.NumLayers, includeHead: true);
        }
        return new LocalTrainingResult(examples, steps, steps == 0 ? 0 : lossSum / steps, flops, stopwatch.Elapsed.TotalSeconds);
    }

    private Tensor ProximalTerm(TrainableState reference)
    {
        Tensor? sum = null;
        for (int i = 0; i < env.Trainable.Count; i++)
        {
            var diff = (env.Trainable[i].Parameter - reference.Tensors[i].Value).pow(2).sum();
            sum = sum is null ? diff : sum + diff;
        }
        return sum!;
    }
}
