using FedLab.Engine.Federation;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.KdFedLlm;

/// <summary>
/// The public (proxy) set KD shares knowledge on: the dataset's held-out public split, or a seeded subset of
/// kd.publicSize examples of it, fixed for the whole run. Its labels are replaced by −1 here, so no code path can
/// use them (a loss on −1 would fail loudly).
/// </summary>
internal static class KdPublicSet
{
    public static TokenizedSet Create(RunEnvironment env)
    {
        var all = env.Public;
        int size = Math.Min(env.Spec.Kd.PublicSize ?? all.Count, all.Count);
        var chosen = Enumerable.Range(0, all.Count).ToArray();
        if (size < all.Count)
        {
            new Random(unchecked((int)SeedMix.Derive(env.Spec.Seed, 14))).Shuffle(chosen);
            chosen = chosen.Take(size).Order().ToArray(); // ascending keeps the split's shortest-first order
        }
        var ids = chosen.Select(i => all.Ids[i]).ToArray();
        return new TokenizedSet(ids, Enumerable.Repeat(-1, ids.Length).ToArray(), all.PadId) { Responses = all.Responses?.Select(chosen) };
    }

    /// <summary>Log-probabilities [N, C] of <paramref name="architecture"/>'s current state on the public set, in eval mode.</summary>
    public static (Tensor LogProbs, double Flops) Logits(RunEnvironment env, KdArchitecture architecture, TokenizedSet publicSet, CancellationToken ct)
    {
        if (publicSet.Responses is not null)
        {
            return Tasks.Generative.GenerativeDistillation.Logits(env, architecture.Model, architecture.Flops, publicSet, ct); // [answer positions, vocab]
        }
        int batchSize = env.Spec.Training.EvalBatchSize;
        var result = empty(publicSet.Count, env.Dataset.NumClasses, device: env.Device).DetachFromDisposeScope();
        double flops = 0;
        var indices = new int[batchSize];
        architecture.Model.eval();
        try
        {
            using var _ = no_grad();
            for (int start = 0; start < publicSet.Count; start += batchSize)
            {
                ct.ThrowIfCancellationRequested();
                int n = Math.Min(batchSize, publicSet.Count - start);
                for (int i = 0; i < n; i++)
                {
                    indices[i] = start + i;
                }
                using var scope = NewDisposeScope();
                var batch = publicSet.MakeBatch(indices.AsSpan(0, n), env.Device);
                var logits = architecture.Model.forward(batch.InputIds, batch.AttentionMask);
                result.narrow(0, start, n).copy_(nn.functional.log_softmax(logits, 1));
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
        }
    }
}
