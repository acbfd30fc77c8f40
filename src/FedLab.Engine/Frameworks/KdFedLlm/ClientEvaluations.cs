using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Engine.Frameworks.KdFedLlm;

/// <summary>
/// The latest test metrics of every client's own model. A client that did not take part in a round keeps its last
/// evaluation (its model did not change), so the mean and spread always cover every client. Checkpointed with the
/// framework's state, so a resumed run reports the same figures.
/// </summary>
internal sealed class ClientEvaluations(int clients, int testExamples) : IDisposable
{
    private const string CheckpointKey = "kd.clientEvaluations";
    private readonly EvalMetrics?[] _latest = new EvalMetrics?[clients];
    private readonly Tensor _checkpoint = zeros(clients, 3, dtype: ScalarType.Float64).DetachFromDisposeScope();

    public EvalMetrics? this[int client]
    {
        get => _latest[client];
        set => _latest[client] = value;
    }

    public int Count => _latest.Length;

    /// <summary>Mean and population standard deviation of the clients' accuracy; null until every client was evaluated.</summary>
    public (double Mean, double Std)? Accuracy
    {
        get
        {
            if (_latest.Any(e => e is null))
            {
                return null;
            }
            var accuracies = _latest.Select(e => e!.Accuracy).ToArray();
            double mean = accuracies.Average();
            return (mean, Math.Sqrt(accuracies.Average(a => (a - mean) * (a - mean))));
        }
    }

    /// <summary>The consensus variant's global line: the mean of every client's accuracy, macro-F1 and loss.</summary>
    public EvalMetrics Mean() =>
        MeanOf(_latest.Select(e => e ?? throw new InvalidOperationException("a client has not been evaluated")).ToList(), testExamples);

    /// <summary>
    /// The mean of several models' metrics on one split; its detail (imbalance rates averaged, confusion pooled) only
    /// when every model has one (a resumed run's clients that did not train again have none: not checkpointed).
    /// </summary>
    public static EvalMetrics MeanOf(IReadOnlyList<EvalMetrics> all, int examples) =>
        new(all.Average(e => e.Accuracy), all.Average(e => e.MacroF1), all.Average(e => e.Loss), examples)
        {
            Detail = all.All(e => e.Detail is not null) ? EvalDetail.Mean([.. all.Select(e => e.Detail!)]) : null,
        };

    /// <summary>[clients, 3] (accuracy, macro-F1, loss), NaN for a client not evaluated yet.</summary>
    public KeyValuePair<string, Tensor> Checkpoint()
    {
        var values = _latest.SelectMany(e => e is null ? [double.NaN, double.NaN, double.NaN] : new[] { e.Accuracy, e.MacroF1, e.Loss }).ToArray();
        using (var fresh = tensor(values, [_latest.Length, 3]))
        {
            _checkpoint.copy_(fresh);
        }
        return new(CheckpointKey, _checkpoint);
    }

    public void Restore(SafeTensorsFile state)
    {
        var values = state[CheckpointKey].data<double>().ToArray();
        for (int client = 0; client < _latest.Length; client++)
        {
            double accuracy = values[3 * client];
            _latest[client] = double.IsNaN(accuracy) ? null : new EvalMetrics(accuracy, values[3 * client + 1], values[3 * client + 2], testExamples);
        }
    }

    public void Dispose() => _checkpoint.Dispose();
}
