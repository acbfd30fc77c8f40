using FedLab.Engine.Runs;
using static TorchSharp.torch;

namespace FedLab.Engine.Federation.Robust;

/// <summary>
/// Byzantine-robust aggregation of the round's states (equal weights): coordinate-wise median; trimmed mean (drop the
/// k = ⌊trim·n⌋ smallest and largest values of every coordinate, average the rest; Yin et al. 2018); Krum (the update
/// with the smallest sum of squared distances to its n − f − 2 nearest others; Blanchard et al. 2017) and Multi-Krum
/// (the mean of the m best-scored). The result goes on to the inner aggregator as one update.
/// </summary>
public sealed class RobustAggregator(IUpdateAggregator inner, RunSpec spec, RoundExtras extras) : AggregatorWrapper(inner)
{
    public const string Selected = "robust.selected";
    private readonly RobustSpec _robust = spec.Robust!;
    private readonly List<(int Client, Tensor Vector)> _updates = [];
    private TrainableState? _like;

    public override void Begin(int round, TrainableState global)
    {
        Clear();
        _like?.Dispose();
        _like = global.Clone();
        base.Begin(round, global);
    }

    public override void Add(int clientId, TrainableState update, double weight) => _updates.Add((clientId, StateVector.Flatten(update).DetachFromDisposeScope()));

    public override TrainableState? Finish()
    {
        if (_updates.Count == 0)
        {
            return base.Finish();
        }
        using (var _ = no_grad())
        using (var scope = NewDisposeScope())
        {
            var stacked = stack(_updates.Select(u => u.Vector).ToList(), 0); // [n, d]
            var (aggregate, chosen) = Aggregate(stacked, _robust);
            using var state = StateVector.Unflatten(aggregate, _like!);
            extras.Set(Selected, chosen);
            base.Add(-1, state, 1.0);
        }
        Clear();
        return base.Finish();
    }

    /// <summary>The robust aggregate of the rows of <paramref name="updates"/> and how many rows it used.</summary>
    public static (Tensor Aggregate, int Used) Aggregate(Tensor updates, RobustSpec rule)
    {
        int n = (int)updates.shape[0];
        switch (rule.Rule)
        {
            case RobustRule.Median:
                // The lower median for even n, as torch.median.
                return (updates.sort(0).Values.select(0, (n - 1) / 2), n);
            case RobustRule.TrimmedMean:
            {
                int k = Math.Min((int)Math.Floor(rule.Trim * n), (n - 1) / 2);
                var sorted = updates.sort(0).Values;
                return (sorted.narrow(0, k, n - 2 * k).mean([0]), n - 2 * k);
            }
            default:
            {
                int f = rule.Byzantine;
                int neighbours = Math.Max(1, n - f - 2);
                var distances = cdist(updates.unsqueeze(0), updates.unsqueeze(0)).squeeze(0).pow(2); // [n, n]
                var scores = new double[n];
                for (int i = 0; i < n; i++)
                {
                    var others = distances[i].to_type(ScalarType.Float64).data<double>().ToArray().Where((_, j) => j != i).Order().Take(Math.Min(neighbours, n - 1));
                    scores[i] = others.Sum();
                }
                int m = rule.Rule == RobustRule.Krum ? 1 : Math.Clamp(rule.Select ?? n - f, 1, n);
                var best = Enumerable.Range(0, n).OrderBy(i => scores[i]).ThenBy(i => i).Take(m).Select(i => (long)i).ToArray();
                return (updates.index_select(0, tensor(best, device: updates.device)).mean([0]), m);
            }
        }
    }

    private void Clear()
    {
        foreach (var (_, v) in _updates)
        {
            v.Dispose();
        }
        _updates.Clear();
    }

    public override void Dispose()
    {
        Clear();
        _like?.Dispose();
        base.Dispose();
    }
}
