using static TorchSharp.torch;

namespace FedLab.Engine.Federation.SecureAggregation;

/// <summary>
/// Secure aggregation as a wrapper. Each participant i sends y_i = w_i·q_i + PRG(b_i) + Σ_{j&gt;i} PRG(s_ij) − Σ_{j&lt;i} PRG(s_ij)
/// modulo the ring, where q_i is its update (state − global) clipped to ±range and quantised to bits, and w_i its
/// example count. The server only ever adds masked vectors; at the end the survivors reveal shares of their b
/// (removed) and of the dropped clients' s_sk (their pairwise masks with the survivors are rebuilt and removed), and
/// the sum divided by the survivors' examples is the weighted mean of the updates up to quantisation. Fewer survivors
/// than the threshold abort the round (nothing is aggregated). Memory: one running ring vector.
/// </summary>
public sealed class SecureAggregator(IUpdateAggregator inner, SecAggSession session, RoundExtras extras) : AggregatorWrapper(inner)
{
    public const string Aborted = "secagg.aborted";
    public const string Recovered = "secagg.recovered";
    private ulong[]? _sum;
    private Tensor? _global;
    private TrainableState? _like;
    private readonly Dictionary<int, long> _weights = [];
    private SecAggRound? _round;

    private double Levels => Math.Pow(2, session.Spec.Bits - 1) - 1;

    public override void Begin(int round, TrainableState global)
    {
        _global?.Dispose();
        _like?.Dispose();
        _global = StateVector.Flatten(global).DetachFromDisposeScope();
        _like = global.Clone();
        _round = session.Begin(round);
        session.Coordinates = (int)_global.numel();
        _sum = new ulong[session.Coordinates];
        _weights.Clear();
        base.Begin(round, global);
    }

    public override void Add(int clientId, TrainableState update, double weight)
    {
        var round = _round ?? throw new InvalidOperationException("Begin was not called");
        if (!round.Takes(clientId))
        {
            throw new InvalidOperationException($"client {clientId} is not a participant of round {round.Round}'s secure aggregation");
        }
        long w = Math.Max(1, (long)Math.Round(weight));
        var masked = Mask(clientId, update, w, round);
        for (int k = 0; k < masked.Length; k++)
        {
            _sum![k] += masked[k];
        }
        _weights[clientId] = w;
    }

    /// <summary>What client <paramref name="clientId"/> would send: its quantised, weighted, masked update.</summary>
    private ulong[] Mask(int clientId, TrainableState update, long w, SecAggRound round)
    {
        double[] delta;
        using (var _ = no_grad())
        using (var scope = NewDisposeScope())
        {
            delta = (StateVector.Flatten(update) - _global!).to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        }
        double range = session.Spec.Range, levels = Levels;
        var y = new ulong[delta.Length];
        for (int k = 0; k < delta.Length; k++)
        {
            long q = (long)Math.Round(Math.Clamp(delta[k], -range, range) / range * levels);
            y[k] = unchecked((ulong)(q * w));
        }
        AddMask(y, MaskPrg.Expand(round.SelfSeed(clientId), y.Length), +1);
        foreach (var other in round.Participants.Where(o => o != clientId))
        {
            AddMask(y, MaskPrg.Expand(round.PairSeed(clientId, other), y.Length), clientId < other ? +1 : -1);
        }
        return y;
    }

    public override TrainableState? Finish()
    {
        var round = _round ?? throw new InvalidOperationException("Begin was not called");
        var survivors = round.Participants.Where(_weights.ContainsKey).ToList();
        var dropped = round.Participants.Where(c => !_weights.ContainsKey(c)).ToList();
        extras.Set(Recovered, dropped.Count);
        if (survivors.Count == 0 || survivors.Count < round.Threshold)
        {
            extras.Set(Aborted, survivors.Count == 0 ? 0 : 1);
            return base.Finish(); // nothing added: the global state stays
        }
        extras.Set(Aborted, 0);
        var sum = _sum!;
        foreach (var i in survivors)
        {
            AddMask(sum, MaskPrg.Expand(round.Reveal(i, secretKey: false, survivors), sum.Length), -1);
        }
        foreach (var u in dropped)
        {
            var secret = round.Reveal(u, secretKey: true, survivors);
            foreach (var j in survivors)
            {
                // Survivor j added +PRG(s_ju) when j < u, −PRG(s_ju) otherwise: take it away.
                AddMask(sum, MaskPrg.Expand(SecAggRound.PairSeed(secret, round.SPublic(j)), sum.Length), j < u ? -1 : +1);
            }
        }
        double scale = session.Spec.Range / Levels / survivors.Sum(c => _weights[c]);
        var mean = new float[sum.Length];
        for (int k = 0; k < sum.Length; k++)
        {
            mean[k] = (float)(Signed(sum[k]) * scale);
        }
        using (var _ = no_grad())
        using (var scope = NewDisposeScope())
        {
            var vector = _global! + tensor(mean, device: _global!.device);
            using var state = StateVector.Unflatten(vector, _like!);
            base.Add(-1, state, 1.0);
        }
        return base.Finish();
    }

    /// <summary>A ring element as a signed integer (two's complement in the ring's width).</summary>
    private long Signed(ulong value) => session.RingBits == 64 ? unchecked((long)value) : unchecked((int)(uint)value);

    private static void AddMask(ulong[] target, ulong[] mask, int sign)
    {
        for (int k = 0; k < target.Length; k++)
        {
            target[k] = sign > 0 ? target[k] + mask[k] : target[k] - mask[k];
        }
    }

    public override void Dispose()
    {
        _global?.Dispose();
        _like?.Dispose();
        base.Dispose();
    }
}
