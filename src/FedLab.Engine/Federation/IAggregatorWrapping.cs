using FedLab.Engine.Runs;

namespace FedLab.Engine.Federation;

/// <summary>
/// Decides, per run, whether and how to wrap a framework's update aggregator (DP clipping and noise, secure
/// aggregation, robust rules). Listed in <see cref="EngineOptions.AggregatorWrappers"/>; returns the aggregator
/// unchanged when the spec does not ask for it.
/// </summary>
public interface IAggregatorWrapping
{
    IUpdateAggregator Wrap(IUpdateAggregator aggregator, RunSpec spec);
}
