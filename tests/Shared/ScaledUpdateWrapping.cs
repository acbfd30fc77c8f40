using FedLab.Engine.Federation;
using FedLab.Engine.Runs;

namespace FedLab.Tests.Shared;

/// <summary>
/// An aggregator wrapper defined outside src/: the aggregate becomes global + factor × (mean − global), so factor 0
/// freezes the global model and factor 1 changes nothing. Counts the updates it saw.
/// </summary>
public sealed class ScaledUpdateWrapping(double factor) : IAggregatorWrapping
{
    public int UpdatesSeen { get; private set; }

    public IUpdateAggregator Wrap(IUpdateAggregator aggregator, RunSpec spec) => new Wrapper(aggregator, this);

    private sealed class Wrapper(IUpdateAggregator inner, ScaledUpdateWrapping owner) : AggregatorWrapper(inner)
    {
        private TrainableState? _global;

        public override void Begin(int round, TrainableState global)
        {
            _global?.Dispose();
            _global = global.Clone();
            base.Begin(round, global);
        }

        public override void Add(int clientId, TrainableState update, double weight)
        {
            owner.UpdatesSeen++;
            base.Add(clientId, update, weight);
        }

        public override TrainableState? Finish()
        {
            var mean = base.Finish();
            if (mean is null || _global is null)
            {
                return mean;
            }
            // mean <- global + factor * (mean - global) = (1 - factor) * global + factor * mean
            mean.Scale(owner.Factor);
            mean.AddScaled(_global, 1 - owner.Factor);
            return mean;
        }

        public override void Dispose()
        {
            _global?.Dispose();
            base.Dispose();
        }
    }

    public double Factor => factor;
}
