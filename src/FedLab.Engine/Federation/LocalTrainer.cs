using System.Diagnostics;
using FedLab.Engine.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedLab.Engine.Federation;

/// <summary>
/// Local fine-tuning on one client's examples: AdamW over the trainable parameters, cross-entropy loss,
/// optionally FedProx's proximal term (mu/2)·||w − w_global||². One dispose scope per batch; synchronous,
/// on the run's thread. By default it trains the run's model; KD clients of another architecture pass their own
/// model, trainable parameters and FLOP model (same data, same settings).
/// </summary>
public sealed class LocalTrainer
{
    private readonly RunEnvironment _env;
    private readonly SequenceClassifier _model;
    private readonly IReadOnlyList<(string Name, Parameter Parameter)> _trainable;
    private readonly FlopModel _flops;

    public LocalTrainer(RunEnvironment env)
        : this(env, env.Model, env.Trainable, env.Flops)
    {
    }

    public LocalTrainer(RunEnvironment env, SequenceClassifier model, IReadOnlyList<(string Name, Parameter Parameter)> trainable, FlopModel flops)
    {
        _env = env;
        _model = model;
        _trainable = trainable;
        _flops = flops;
    }

    /// <summary>Optimizer steps that <paramref name="examples"/> examples need for the spec's local steps or epochs.</summary>
    public int StepsFor(int examples)
    {
        var t = _env.Spec.Training;
        return t.LocalSteps ?? Math.Max(1, (int)Math.Ceiling(t.LocalEpochs!.Value * examples / t.BatchSize));
    }

    public LocalTrainingResult Train(IReadOnlyList<int> indices, int steps, long seed, TrainableState? proxReference, double proxMu, CancellationToken ct)
    {
        var t = _env.Spec.Training;
        var stopwatch = Stopwatch.StartNew();
        random.manual_seed(seed); // dropout masks depend only on (run seed, round, client)
        var batches = new BatchCursor(indices, t.BatchSize, seed);

        var parameters = _trainable.Select(p => p.Parameter).ToList();
        using var optimizer = optim.AdamW(parameters, t.LearningRate, weight_decay: t.WeightDecay);
        _model.train();
        double lossSum = 0, flops = 0;
        int examples = 0;
        for (int step = 0; step < steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            var batch = batches.Next();
            using var scope = NewDisposeScope();
            var data = _env.Train.MakeBatch(batch, _env.Device);
            optimizer.zero_grad();
            var logits = _model.forward(data.InputIds, data.AttentionMask);
            var loss = nn.functional.cross_entropy(logits, data.Labels);
            lossSum += loss.item<float>();
            if (proxReference is not null && proxMu > 0)
            {
                loss = loss + ProximalTerm(proxReference) * (proxMu / 2);
            }
            loss.backward();
            optimizer.step();
            examples += data.Size;
            flops += _flops.TrainStep(data.Size, data.Tokens, 0, _model.NumLayers, includeHead: true);
        }
        return new LocalTrainingResult(examples, steps, steps == 0 ? 0 : lossSum / steps, flops, stopwatch.Elapsed.TotalSeconds);
    }

    private Tensor ProximalTerm(TrainableState reference)
    {
        Tensor? sum = null;
        for (int i = 0; i < _trainable.Count; i++)
        {
            var diff = (_trainable[i].Parameter - reference.Tensors[i].Value).pow(2).sum();
            sum = sum is null ? diff : sum + diff;
        }
        return sum!;
    }
}
