using FedLab.Engine.Federation;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Frameworks;

/// <summary>
/// What a framework is built from: the run's environment (device, data, partition, the one model), the engine's
/// options (model store), the client runner every client's work goes through, and the aggregator wrappers to apply
/// to every update aggregator it creates.
/// </summary>
public sealed class FrameworkContext(RunEnvironment environment, EngineOptions engine)
{
    public RunEnvironment Environment { get; } = environment;

    public EngineOptions Engine { get; } = engine;

    public RunSpec Spec => Environment.Spec;

    public IClientRunner ClientRunner => Engine.ClientRunner;

    /// <summary>An aggregator wrapped by every wrapper the engine options list that applies to this spec, in order.</summary>
    public IUpdateAggregator Wrap(IUpdateAggregator aggregator)
    {
        foreach (var wrapper in Engine.AggregatorWrappers)
        {
            aggregator = wrapper.Wrap(aggregator, Spec);
        }
        return aggregator;
    }

    /// <summary>The options section of <paramref name="descriptor"/> in this run's spec.</summary>
    public T Options<T>(FrameworkDescriptor descriptor) where T : class => FrameworkOptions.Get<T>(Spec, descriptor);
}
