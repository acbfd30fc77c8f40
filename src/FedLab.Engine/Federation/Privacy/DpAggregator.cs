using FedLab.Engine.Runs;
using static TorchSharp.torch;

namespace FedLab.Engine.Federation.Privacy;

/// <summary>
/// DP-FedAvg as a wrapper (Flower's DifferentialPrivacyServerSideFixedClipping / AdaptiveClipping): each client's
/// update Δᵢ = stateᵢ − global is clipped to norm C and passed on with equal weight (so one client's influence is
/// bounded); the aggregate is rescaled to the fixed denominator n (the clients selected per round, McMahan et al.
/// 2018) and, in central mode, the server adds N(0, (z·C/n)²) to every coordinate. In local mode each client adds
/// N(0, (z·C)²) to its own clipped update before it leaves (simulated here, where the update arrives). Adaptive
/// clipping moves C towards the target quantile of update norms with a noised count. Notes ε (the accountant), C and
/// the fraction of updates left unclipped for every round. Noise is drawn from (seed, round[, client]).
/// </summary>
public sealed class DpAggregator(IUpdateAggregator inner, RunSpec spec, RoundExtras extras) : AggregatorWrapper(inner)
{
    private readonly PrivacySpec _p = spec.Privacy!;
    private readonly int _n = PrivacyLedger.ClientsPerRound(spec);
    private readonly double _z = PrivacyLedger.NoiseMultiplier(spec);
    private double _clip = spec.Privacy!.ClipNorm;
    private TrainableState? _global;
    private Tensor? _globalVector;
    private int _round;
    private int _added;
    private int _unclipped;

    /// <summary>The clipping norm the next round uses (adaptive clipping changes it after every round).</summary>
    public double ClipNorm => _clip;

    private Tensor? _clipState;

    /// <summary>
    /// What DP carries from one round to the next: with adaptive clipping, the current clipping norm (nothing with fixed
    /// clipping; the noise and the accountant are functions of the seed and the round).
    /// </summary>
    public IEnumerable<KeyValuePair<string, Tensor>> CheckpointState()
    {
        if (!_p.AdaptiveClipping)
        {
            yield break;
        }
        _clipState ??= zeros(1, dtype: ScalarType.Float64).DetachFromDisposeScope();
        _clipState.fill_(_clip);
        yield return new("clipNorm", _clipState);
    }

    public void RestoreState(Serialization.SafeTensorsFile state)
    {
        if (!_p.AdaptiveClipping)
        {
            return;
        }
        var saved = state.Tensors.FirstOrDefault(t => t.Key == "clipNorm").Value
            ?? throw new InvalidDataException("checkpoint has no adaptive clipping norm");
        _clip = saved.item<double>();
    }

    public override void Begin(int round, TrainableState global)
    {
        _global?.Dispose();
        _globalVector?.Dispose();
        _global = global.Clone();
        _globalVector = StateVector.Flatten(global).DetachFromDisposeScope();
        _round = round;
        _added = 0;
        _unclipped = 0;
        base.Begin(round, global);
    }

    public override void Add(int clientId, TrainableState update, double weight)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var delta = StateVector.Flatten(update) - _globalVector!;
        double norm = delta.to_type(ScalarType.Float64).norm().item<double>();
        if (norm <= _clip)
        {
            _unclipped++;
        }
        var clipped = norm > _clip ? delta * (_clip / norm) : delta;
        if (_p.Mode == DpMode.Local && _z > 0)
        {
            clipped = clipped + Noise(clipped, _z * _clip, SeedMix.Derive(spec.Seed, _round, clientId, 0xD9));
        }
        using var state = StateVector.Unflatten(_globalVector! + clipped, _global!);
        _added++;
        base.Add(clientId, state, 1.0);
    }

    public override TrainableState? Finish()
    {
        double clipUsed = _clip;
        var mean = base.Finish();
        TrainableState? result = null;
        if (mean is not null)
        {
            using (mean)
            using (var _ = no_grad())
            using (var scope = NewDisposeScope())
            {
                // Fixed denominator: Σ clipped / n, whatever number of clients arrived (dropouts shrink the sum, not the bound).
                var sum = (StateVector.Flatten(mean) - _globalVector!) * ((double)_added / _n);
                if (_p.Mode == DpMode.Central && _z > 0)
                {
                    sum = sum + Noise(sum, _z * clipUsed / _n, SeedMix.Derive(spec.Seed, _round, 0xD9));
                }
                result = StateVector.Unflatten(_globalVector! + sum, _global!);
            }
        }
        if (_p.AdaptiveClipping)
        {
            var random = new Random(unchecked((int)SeedMix.Derive(spec.Seed, _round, 0xADA)));
            double noisedFraction = (_unclipped + PrivacyLedger.CountNoise(spec) * Availability.DeviceProfile.Gaussian(random)) / _n;
            _clip *= Math.Exp(-_p.ClipLearningRate * (noisedFraction - _p.TargetQuantile));
        }
        PrivacyLedger.Note(spec, extras, _round, clipUsed, _z, _added == 0 ? 1 : (double)_unclipped / _added);
        return result;
    }

    private static Tensor Noise(Tensor like, double std, long seed)
    {
        using var generator = new Generator(unchecked((ulong)seed), like.device);
        return randn(like.shape, like.dtype, like.device, generator: generator) * std;
    }

    public override void Dispose()
    {
        _global?.Dispose();
        _globalVector?.Dispose();
        _clipState?.Dispose();
        base.Dispose();
    }
}
