using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.KdFedLlm;

/// <summary>
/// How the KD server combines the clients' public-set log-probabilities into a consensus: the plain weighted mean
/// (<see cref="LogitsAggregator"/>) or, with the spec's privacy section, clipped and noised (<see cref="DpLogitsAggregator"/>).
/// </summary>
public interface ILogitsAggregator : IDisposable
{
    /// <summary>One client's log-probabilities [rows, classes] with its training example count.</summary>
    void Add(Tensor logProbs, double examples);

    /// <summary>The consensus as float32 log-probabilities [rows, classes]; the caller owns the result.</summary>
    Tensor Consensus();
}
