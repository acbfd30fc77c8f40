using FedLab.Engine.Federation;
using FedLab.Engine.Federation.Privacy;
using FedLab.Engine.Runs;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.KdFedLlm;

/// <summary>
/// Client-level differential privacy for KD's consensus (the spec's privacy section on kd; central, fixed clipping):
/// the Gaussian mechanism on the sum of the clients' probability matrices, as DP-FedAvg is on the sum of updates.
/// Each client's contribution is its probability rows on the public set, each row clipped to L2 norm C
/// (privacy.clipNorm; a probability row's norm is at most 1, so C ≥ 1 clips nothing), so one client changes the sum
/// by at most C·√N in L2 (N = public rows). Every client counts equally (its example count would make its weight
/// depend on its data); the sum gets N(0, (z·C·√N)²) per entry and is divided by the fixed number n of clients
/// selected per round (dropouts shrink the sum, not the bound). Negative or zero entries of the noisy mean are floored
/// at <see cref="Floor"/> and rows renormalised: post-processing, which costs no privacy. ε per round comes from the
/// same accountant as DP-FedAvg (sampled Gaussian mechanism, q = n / clients), one release per round.
/// </summary>
public sealed class DpLogitsAggregator : ILogitsAggregator
{
    /// <summary>The smallest probability a noisy consensus entry keeps (so its logarithm is finite).</summary>
    public const double Floor = 1e-6;

    private readonly RunSpec _spec;
    private readonly RoundExtras _extras;
    private readonly int _round;
    private readonly double _clip;
    private readonly double _z;
    private readonly int _n;
    private readonly Tensor _sum;
    private long _rows;
    private long _unclipped;
    private int _clients;

    public DpLogitsAggregator(int rows, int classes, RunSpec spec, int round, RoundExtras extras, Device device)
    {
        _spec = spec;
        _extras = extras;
        _round = round;
        _clip = spec.Privacy!.ClipNorm;
        _z = PrivacyLedger.NoiseMultiplier(spec);
        _n = PrivacyLedger.ClientsPerRound(spec);
        _sum = zeros(rows, classes, dtype: ScalarType.Float64, device: device).DetachFromDisposeScope();
        Note();
    }

    /// <summary>The standard deviation of the noise on each entry of the sum: z·C·√N.</summary>
    public double SumNoiseStd => _z * _clip * Math.Sqrt(_sum.shape[0]);

    public void Add(Tensor logProbs, double examples)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var p = logProbs.to_type(ScalarType.Float64).softmax(1);
        var norms = p.norm(1, keepdim: true);
        _unclipped += norms.le(_clip).sum().item<long>();
        _rows += norms.shape[0];
        _sum.add_(p * (_clip / norms).clamp_max(1.0));
        _clients++;
        Note();
    }

    public Tensor Consensus()
    {
        if (_clients == 0)
        {
            throw new InvalidOperationException("no client logits to aggregate");
        }
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var noisy = _sum;
        if (_z > 0)
        {
            using var generator = new Generator(unchecked((ulong)SeedMix.Derive(_spec.Seed, _round, 0xD9C)), _sum.device);
            noisy = _sum + randn(_sum.shape, ScalarType.Float64, _sum.device, generator: generator) * SumNoiseStd;
        }
        var mean = (noisy / _n).clamp_min(Floor);
        return (mean / mean.sum(1, keepdim: true)).log().to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>ε after this round (a release per round, whether or not a consensus was formed), C, z and the unclipped fraction of rows.</summary>
    private void Note() => PrivacyLedger.Note(_spec, _extras, _round, _clip, _z, _rows == 0 ? 1 : (double)_unclipped / _rows);

    public void Dispose() => _sum.Dispose();
}
