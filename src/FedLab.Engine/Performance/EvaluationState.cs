using FedLab.Engine.Federation;
using FedLab.Engine.Models;
using FedLab.Engine.Runs;
using static TorchSharp.torch;

namespace FedLab.Engine.Performance;

/// <summary>
/// A run's evaluation shortcuts (issue 16): the fixed test subset that rounds before the last are evaluated on when the
/// spec asks for one, and the frozen-prefix cache of head-only fine-tuning (the backbone's outputs for each evaluation
/// batch, kept from the first evaluation; afterwards only the head runs). Owned by the <see cref="RunEnvironment"/>.
/// </summary>
public sealed class EvaluationState : IDisposable
{
    /// <summary>Largest cache of frozen outputs kept, in bytes (beyond it evaluation runs the whole model).</summary>
    public const long MaxPrefixCacheBytes = 1L << 30;

    /// <summary>Stream of the evaluation subset's seeded draw (beside <see cref="SeedStreams"/>' run-level streams).</summary>
    public const long SubsetStream = 16;

    private readonly Dictionary<TokenizedSet, PrefixCache> _caches = new(ReferenceEqualityComparer.Instance);
    private TokenizedSet? _subset;

    /// <summary>Set by the executor around a round's evaluation: evaluate the test split's fixed subset instead of all of it.</summary>
    public bool UseTestSubset { get; set; }

    /// <summary>The set to evaluate in place of <paramref name="set"/>: the test subset while <see cref="UseTestSubset"/> holds.</summary>
    public TokenizedSet Resolve(RunEnvironment env, TokenizedSet set)
    {
        if (!UseTestSubset || !ReferenceEquals(set, env.Test) || env.Spec.Evaluation?.Subset is not int n || n >= set.Count)
        {
            return set;
        }
        return _subset ??= StratifiedSubset(set, n, SeedMix.Derive(env.Spec.Seed, SubsetStream), env.Dataset.NumClasses);
    }

    /// <summary>
    /// The cache of frozen outputs for evaluating <paramref name="model"/> on <paramref name="set"/>, or null where the
    /// prefix is not frozen (LoRA from the first layer, full fine-tuning), the model is not the run's, the spec turned
    /// the reuse off, or the cache would exceed <see cref="MaxPrefixCacheBytes"/>.
    /// </summary>
    public PrefixCache? PrefixFor(RunEnvironment env, SequenceClassifier model, TokenizedSet set)
    {
        if (env.Mode != FineTuneMode.HeadOnly || !ReferenceEquals(model, env.Model) || env.Spec.Evaluation?.ReuseFrozenPrefix == false)
        {
            return null;
        }
        if (_caches.TryGetValue(set, out var cache))
        {
            return cache;
        }
        long bytes = set.Ids.Sum(ids => (long)ids.Length) * model.Backbone.HiddenSize * sizeof(float);
        if (bytes > MaxPrefixCacheBytes)
        {
            return null;
        }
        return _caches[set] = new PrefixCache(model.NumLayers);
    }

    /// <summary>A fixed, seeded subset of <paramref name="n"/> examples keeping each class's share (largest remainders), in set order.</summary>
    public static TokenizedSet StratifiedSubset(TokenizedSet set, int n, long seed, int classes)
    {
        var order = Enumerable.Range(0, set.Count).ToArray();
        new Random(unchecked((int)seed)).Shuffle(order);
        var byClass = Enumerable.Range(0, classes).Select(c => order.Where(i => set.Labels[i] == c).ToList()).ToArray();
        var exact = byClass.Select(list => (double)list.Count * n / set.Count).ToArray();
        var quota = exact.Select(x => (int)Math.Floor(x)).ToArray();
        foreach (int c in Enumerable.Range(0, classes).OrderByDescending(c => exact[c] - quota[c]).ThenBy(c => c).Take(n - quota.Sum()))
        {
            quota[c]++;
        }
        var chosen = byClass.SelectMany((list, c) => list.Take(quota[c])).Order().ToArray();
        return new TokenizedSet(chosen.Select(i => set.Ids[i]).ToArray(), chosen.Select(i => set.Labels[i]).ToArray(), set.PadId);
    }

    public void Dispose()
    {
        foreach (var cache in _caches.Values)
        {
            cache.Dispose();
        }
        _caches.Clear();
    }
}

/// <summary>
/// The frozen backbone's output for each evaluation batch (by batch start), computed once; logits then come from
/// <see cref="SequenceClassifier.Top"/> alone, exactly as the whole model's forward would give them.
/// </summary>
public sealed class PrefixCache(int cut) : IDisposable
{
    private readonly Dictionary<(int Start, int Count), Tensor> _hidden = [];

    public Tensor Forward(SequenceClassifier model, int start, Batch batch)
    {
        if (!_hidden.TryGetValue((start, batch.Size), out var hidden))
        {
            hidden = model.Bottom(batch.InputIds, batch.AttentionMask, cut).DetachFromDisposeScope();
            _hidden[(start, batch.Size)] = hidden;
        }
        return model.Top(hidden, batch.AttentionMask, cut);
    }

    public void Dispose()
    {
        foreach (var t in _hidden.Values)
        {
            t.Dispose();
        }
        _hidden.Clear();
    }
}
