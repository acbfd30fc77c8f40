using static TorchSharp.torch;

namespace FedLab.Engine.Federation;

/// <summary>Token ids (with [CLS]/[SEP], unpadded) and labels of one split.</summary>
public sealed class TokenizedSet(int[][] ids, int[] labels, int padId)
{
    public int[][] Ids { get; } = ids;
    public int[] Labels { get; } = labels;
    public int PadId { get; } = padId;
    public int Count => Labels.Length;

    /// <summary>Generative data only: per-position next-token targets, prompt lengths and answers; null for classification.</summary>
    public Tasks.Generative.ResponseTargets? Responses { get; init; }

    /// <summary>
    /// Tensors for the examples at <paramref name="indices"/>, padded to the longest of them (dynamic padding
    /// keeps short batches cheap). Created in the caller's dispose scope.
    /// </summary>
    public Batch MakeBatch(ReadOnlySpan<int> indices, Device device)
    {
        int tokens = 0;
        foreach (var i in indices)
        {
            tokens = Math.Max(tokens, Ids[i].Length);
        }
        var idData = new long[indices.Length * tokens];
        var maskData = new long[indices.Length * tokens];
        // Generative: labels are the next-token targets of every position, flattened [batch · tokens] (see ResponseTargets).
        var targets = Responses?.Targets;
        var labelData = new long[targets is null ? indices.Length : indices.Length * tokens];
        for (int b = 0; b < indices.Length; b++)
        {
            var row = Ids[indices[b]];
            int offset = b * tokens;
            for (int t = 0; t < tokens; t++)
            {
                bool real = t < row.Length;
                idData[offset + t] = real ? row[t] : PadId;
                maskData[offset + t] = real ? 1 : 0;
            }
            if (targets is null)
            {
                labelData[b] = Labels[indices[b]];
                continue;
            }
            var target = targets[indices[b]];
            for (int t = 0; t < tokens; t++)
            {
                labelData[offset + t] = t < target.Length ? target[t] : Tasks.Generative.ResponseTargets.Ignore;
            }
        }
        return new Batch(
            tensor(idData, [indices.Length, tokens], device: device),
            tensor(maskData, [indices.Length, tokens], device: device),
            tensor(labelData, device: device),
            indices.Length,
            tokens);
    }
}

/// <summary>One padded batch: ids and mask [batch, tokens], labels [batch] (generative: next-token targets [batch · tokens]).</summary>
public sealed record Batch(Tensor InputIds, Tensor AttentionMask, Tensor Labels, int Size, int Tokens);
