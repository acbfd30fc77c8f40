namespace FedLab.Engine.Federation;

/// <summary>
/// Base for a wrapper around another aggregator (Flower wraps strategies the same way): override what changes,
/// pass the rest through. It owns and disposes the inner aggregator.
/// </summary>
public abstract class AggregatorWrapper(IUpdateAggregator inner) : IUpdateAggregator
{
    protected IUpdateAggregator Inner { get; } = inner;

    public virtual void Begin(int round, TrainableState global) => Inner.Begin(round, global);

    public virtual void Add(int clientId, TrainableState update, double weight) => Inner.Add(clientId, update, weight);

    public virtual void AddLate(int clientId, TrainableState update, double weight) => Inner.AddLate(clientId, update, weight);

    public virtual TrainableState? Finish() => Inner.Finish();

    public virtual void Dispose()
    {
        Inner.Dispose();
        GC.SuppressFinalize(this);
    }
}
