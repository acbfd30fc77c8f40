namespace FedLab.Engine.Federation;

/// <summary>
/// FedAvg: the mean of the clients' states weighted by their examples, as a running sum, so memory does not grow with
/// the number of clients.
/// </summary>
public sealed class WeightedMeanAggregator : IUpdateAggregator
{
    private TrainableState? _sum;
    private double _total;

    public void Begin(int round, TrainableState global)
    {
        _sum?.Dispose();
        _sum = TrainableState.ZerosLike(global);
        _total = 0;
    }

    public void Add(int clientId, TrainableState update, double weight)
    {
        var sum = _sum ?? throw new InvalidOperationException("Begin was not called");
        sum.AddScaled(update, weight);
        _total += weight;
    }

    public TrainableState? Finish()
    {
        var sum = _sum ?? throw new InvalidOperationException("Begin was not called");
        _sum = null;
        if (_total <= 0)
        {
            sum.Dispose();
            return null;
        }
        sum.Scale(1.0 / _total);
        return sum;
    }

    public void Dispose()
    {
        _sum?.Dispose();
        _sum = null;
    }
}
