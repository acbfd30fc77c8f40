using FedLab.Engine.Federation;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.KdFedLlm;

/// <summary>
/// Distils a teacher (log-probabilities on the public set) into a model: AdamW over its trainable parameters, loss
/// T²·KL(softmax(teacher/T) ‖ softmax(student/T)) averaged over the batch (Hinton et al.). The public set's labels are
/// never read. Batches, dropout and the order of examples derive from the seed alone.
/// </summary>
internal sealed class Distiller(RunEnvironment env, TokenizedSet publicSet, double temperature, double learningRate)
{
    public DistillationResult Distill(KdArchitecture architecture, Tensor teacher, int steps, long seed, CancellationToken ct)
    {
        if (publicSet.Responses is not null)
        {
            return Tasks.Generative.GenerativeDistillation.Distill(env, publicSet, temperature, learningRate, architecture, teacher, steps, seed, ct);
        }
        var t = env.Spec.Training;
        random.manual_seed(seed);
        var batches = new BatchCursor(Enumerable.Range(0, publicSet.Count).ToArray(), t.BatchSize, seed);
        using var optimizer = optim.AdamW(architecture.Trainable.Select(p => p.Parameter).ToList(), learningRate, weight_decay: t.WeightDecay);
        architecture.Model.train();
        double lossSum = 0, flops = 0;
        var rows = new long[Math.Min(t.BatchSize, publicSet.Count)];
        for (int step = 0; step < steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            var batch = batches.Next();
            for (int i = 0; i < batch.Length; i++)
            {
                rows[i] = batch[i];
            }
            using var scope = NewDisposeScope();
            var data = publicSet.MakeBatch(batch, env.Device);
            optimizer.zero_grad();
            var student = nn.functional.log_softmax(architecture.Model.forward(data.InputIds, data.AttentionMask) / temperature, 1);
            var target = nn.functional.log_softmax(teacher.index_select(0, tensor(rows, device: env.Device)) / temperature, 1);
            var loss = nn.functional.kl_div(student, target, log_target: true, reduction: nn.Reduction.Sum) * (temperature * temperature / data.Size);
            lossSum += loss.item<float>();
            loss.backward();
            optimizer.step();
            flops += architecture.Flops.TrainStep(data.Size, data.Tokens, 0, architecture.Model.NumLayers, includeHead: true);
        }
        return new DistillationResult(steps, steps == 0 ? 0 : lossSum / steps, flops);
    }
}
