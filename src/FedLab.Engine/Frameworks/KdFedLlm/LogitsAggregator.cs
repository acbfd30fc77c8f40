using FedLab.Engine.Runs;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.KdFedLlm;

/// <summary>
/// The server's consensus: a running weighted sum of the clients' probabilities on the public set (memory does not
/// grow with clients). Weight of client k on example i: n_k (its training examples), times, when confidence-weighted,
/// its confidence max_c p_k(c | x_i), so a client that is sure of an example counts more for it.
/// </summary>
public sealed class LogitsAggregator : ILogitsAggregator
{
    private readonly KdAggregation _mode;
    private readonly Tensor _sum;
    private readonly Tensor _weight;
    private int _clients;

    public LogitsAggregator(int examples, int classes, KdAggregation mode, Device device)
    {
        _mode = mode;
        _sum = zeros(examples, classes, dtype: ScalarType.Float64, device: device);
        _weight = zeros(examples, 1, dtype: ScalarType.Float64, device: device);
    }

    public void Add(Tensor logProbs, double examples)
    {
        using var scope = NewDisposeScope();
        var p = logProbs.to_type(ScalarType.Float64).softmax(1);
        var weight = _mode == KdAggregation.Confidence
            ? p.max(1, keepdim: true).values * examples
            : full([p.shape[0], 1], examples, dtype: ScalarType.Float64, device: p.device);
        _sum.add_(p * weight);
        _weight.add_(weight);
        _clients++;
    }

    /// <summary>The consensus as float32 log-probabilities [N, C]; the caller owns the result.</summary>
    public Tensor Consensus()
    {
        if (_clients == 0)
        {
            throw new InvalidOperationException("no client logits to aggregate");
        }
        using var scope = NewDisposeScope();
        return (_sum / _weight).log().to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _sum.Dispose();
        _weight.Dispose();
    }
}
