using FedLab.Engine.Runs;
using static TorchSharp.torch;

namespace FedLab.Engine.Federation.Robust;

/// <summary>
/// Simulates malicious clients where their updates arrive (the outermost wrapper, so every other rule sees the
/// attacked update): the attackers are a seeded choice of ⌈fraction·clients⌉ clients, fixed for the run. The payload
/// an attacker would send has the same size as an honest one, so bytes are unchanged.
/// </summary>
public sealed class AttackAggregator(IUpdateAggregator inner, RunSpec spec, RoundExtras extras) : AggregatorWrapper(inner)
{
    public const string Attackers = "attack.attackers";
    private readonly AttackSpec _attack = spec.Attack!;
    private readonly HashSet<int> _attackers = Choose(spec);
    private Tensor? _global;
    private TrainableState? _like;
    private int _round;
    private int _attacked;

    /// <summary>The clients that attack: the first ⌈fraction·N⌉ of a permutation drawn from the seed.</summary>
    public static HashSet<int> Choose(RunSpec spec)
    {
        int n = spec.Partition.Clients;
        int count = (int)Math.Ceiling(spec.Attack!.Fraction * n - 1e-9);
        var all = Enumerable.Range(0, n).ToArray();
        new Random(unchecked((int)SeedMix.Derive(spec.Seed, 0xA77AC))).Shuffle(all);
        return all.Take(count).ToHashSet();
    }

    public override void Begin(int round, TrainableState global)
    {
        _global?.Dispose();
        _like?.Dispose();
        _global = StateVector.Flatten(global).DetachFromDisposeScope();
        _like = global.Clone();
        _round = round;
        _attacked = 0;
        base.Begin(round, global);
    }

    public override void Add(int clientId, TrainableState update, double weight) => Attack(clientId, update, weight, late: false);

    /// <summary>A late update (stale variant) is the attacker's upload too: attacked the same way, kept for a later round by the inner wrapper.</summary>
    public override void AddLate(int clientId, TrainableState update, double weight) => Attack(clientId, update, weight, late: true);

    private void Attack(int clientId, TrainableState update, double weight, bool late)
    {
        void Pass(TrainableState state)
        {
            if (late)
            {
                base.AddLate(clientId, state, weight);
            }
            else
            {
                base.Add(clientId, state, weight);
            }
        }
        if (!_attackers.Contains(clientId))
        {
            Pass(update);
            return;
        }
        _attacked++;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var delta = StateVector.Flatten(update) - _global!;
        double s = _attack.Scale;
        var attacked = _attack.Kind switch
        {
            AttackKind.SignFlip => _global! - delta * s,
            AttackKind.Scale => _global! + delta * s,
            _ => _global! + RandomLike(delta, s * delta.to_type(ScalarType.Float64).norm().item<double>() / Math.Sqrt(Math.Max(1, delta.numel())), SeedMix.Derive(spec.Seed, _round, clientId, 0xA77)),
        };
        using var state = StateVector.Unflatten(attacked, _like!);
        Pass(state);
    }

    public override TrainableState? Finish()
    {
        extras.Set(Attackers, _attacked);
        return base.Finish();
    }

    private static Tensor RandomLike(Tensor like, double std, long seed)
    {
        using var generator = new Generator(unchecked((ulong)seed), like.device);
        return randn(like.shape, like.dtype, like.device, generator: generator) * std;
    }

    public override void Dispose()
    {
        _global?.Dispose();
        _like?.Dispose();
        base.Dispose();
    }
}
