using FedLab.Engine.Federation;
using FedLab.Engine.Frameworks.KdFedLlm;
using FedLab.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FedLab.Engine.Tasks.Generative;

/// <summary>
/// KD on a generative task. The public set is a set of prompts with their reference answers, teacher-forced: what
/// travels is each model's next-token distribution over the whole vocabulary at every answer position (the position
/// whose next token is an answer token), one row per position, in set order and position order. The answer tokens
/// are inputs only: no loss ever compares a prediction with them. Rows are log-probabilities, so
/// <see cref="LogitsCodec"/> sends them whole ([P, V]) or as top-k (k values and k int32 indices per position), and
/// the consensus and the distillation loss are the classification ones applied per position.
/// </summary>
internal static class GenerativeDistillation
{
    /// <summary>The first row of each public example in the [P, V] matrix, and P.</summary>
    public static (int[] Offsets, int Rows) Layout(TokenizedSet publicSet)
    {
        var offsets = new int[publicSet.Count];
        int rows = 0;
        for (int i = 0; i < publicSet.Count; i++)
        {
            offsets[i] = rows;
            rows += publicSet.Responses!.AnswerTokens(i);
        }
        return (offsets, rows);
    }

    /// <summary>Log-probabilities [P, V] of <paramref name="model"/> at the public set's answer positions, in eval mode, and their FLOPs.</summary>
    public static (Tensor LogProbs, double Flops) Logits(RunEnvironment env, SequenceClassifier model, FlopModel flopModel, TokenizedSet publicSet, CancellationToken ct)
    {
        var (offsets, rows) = Layout(publicSet);
        int batchSize = env.Spec.Training.EvalBatchSize;
        var result = empty(rows, model.NumClasses, device: env.Device).DetachFromDisposeScope();
        double flops = 0;
        model.eval();
        try
        {
            using var _ = no_grad();
            for (int start = 0; start < publicSet.Count; start += batchSize)
            {
                ct.ThrowIfCancellationRequested();
                int n = Math.Min(batchSize, publicSet.Count - start);
                using var scope = NewDisposeScope();
                var batch = publicSet.MakeBatch([.. Enumerable.Range(start, n)], env.Device);
                var logits = AnswerPositions.Logits(model, batch.InputIds, batch.AttentionMask, batch.Labels.ne(ResponseTargets.Ignore));
                result.narrow(0, offsets[start], logits.shape[0]).copy_(nn.functional.log_softmax(logits, 1));
                flops += flopModel.BlocksForward(n, batch.Tokens, 0, model.NumLayers) + flopModel.HeadForward((int)logits.shape[0]);
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
            model.train();
        }
    }

    /// <summary>
    /// Distils <paramref name="teacher"/> ([P, V] log-probabilities) into the architecture's model: the same loss as for
    /// classes, T²·KL(teacher ‖ student) at temperature T, averaged over the answer positions of each batch.
    /// </summary>
    public static DistillationResult Distill(RunEnvironment env, TokenizedSet publicSet, double temperature, double learningRate,
        KdArchitecture architecture, Tensor teacher, int steps, long seed, CancellationToken ct)
    {
        var t = env.Spec.Training;
        var (offsets, _) = Layout(publicSet);
        random.manual_seed(seed);
        var batches = new BatchCursor(Enumerable.Range(0, publicSet.Count).ToArray(), t.BatchSize, seed);
        using var optimizer = optim.AdamW(architecture.Trainable.Select(p => p.Parameter).ToList(), learningRate, weight_decay: t.WeightDecay);
        var model = architecture.Model;
        model.train();
        double lossSum = 0, flops = 0;
        for (int step = 0; step < steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            var batch = batches.Next();
            var rows = new List<long>();
            foreach (int example in batch)
            {
                int count = publicSet.Responses!.AnswerTokens(example);
                for (int r = 0; r < count; r++)
                {
                    rows.Add(offsets[example] + r);
                }
            }
            using var scope = NewDisposeScope();
            var data = publicSet.MakeBatch(batch, env.Device);
            optimizer.zero_grad();
            var logits = AnswerPositions.Logits(model, data.InputIds, data.AttentionMask, data.Labels.ne(ResponseTargets.Ignore));
            var student = nn.functional.log_softmax(logits / temperature, 1);
            var target = nn.functional.log_softmax(teacher.index_select(0, tensor(rows.ToArray(), device: env.Device)) / temperature, 1);
            var loss = nn.functional.kl_div(student, target, log_target: true, reduction: nn.Reduction.Sum) * (temperature * temperature / rows.Count);
            lossSum += loss.item<float>();
            loss.backward();
            optimizer.step();
            flops += architecture.Flops.TrainStep(data.Size, data.Tokens, 0, model.NumLayers, includeHead: false)
                + (architecture.Flops.HeadTrains ? 3 : 2) * architecture.Flops.HeadForward(rows.Count);
        }
        return new DistillationResult(steps, steps == 0 ? 0 : lossSum / steps, flops);
    }
}
