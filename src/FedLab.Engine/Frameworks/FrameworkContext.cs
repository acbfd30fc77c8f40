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

    /// <summary>The engine's client runner, behind the spec's availability simulation when it asks for one.</summary>
    public IClientRunner ClientRunner => _runner ??= Realism.Runner(Engine.ClientRunner);

    private IClientRunner? _runner;
    private ClientRealism? _realism;

    private ClientRealism Realism => _realism ??= new ClientRealism(Spec, Extras, Environment.Partition.ClientIndices.Sum(c => (long)c.Length), Environment.Device);

    /// <summary>Open-set metrics the runner and wrappers note during a round (ε, simulated time); the executor attaches them.</summary>
    public RoundExtras Extras { get; } = new();

    /// <summary>
    /// An aggregator wrapped by the spec's own wrappers (DP, secure aggregation, robust rules, attack; see
    /// <see cref="ClientRealism"/>), then by every wrapper the engine options list that applies to this spec, in order.
    /// </summary>
    public IUpdateAggregator Wrap(IUpdateAggregator aggregator)
    {
        aggregator = Realism.Wrap(aggregator);
        foreach (var wrapper in Engine.AggregatorWrappers)
        {
            aggregator = wrapper.Wrap(aggregator, Spec);
        }
        return aggregator;
    }

    /// <summary>What the realistic-client wrappers carry across rounds (adaptive clipping norm, held stale updates); saved with the framework's state.</summary>
    public IEnumerable<KeyValuePair<string, TorchSharp.torch.Tensor>> CheckpointState() => _realism?.CheckpointState() ?? [];

    /// <summary>Restores what <see cref="CheckpointState"/> saved (a resume), after the framework was created.</summary>
    public void RestoreState(Serialization.SafeTensorsFile state) => _realism?.RestoreState(state);

    /// <summary>
    /// A session with the remote clients when the engine's runner runs client programs elsewhere (a cluster); null
    /// when clients run in this process. The algorithm that opens it disposes it.
    /// </summary>
    public Federation.Remote.IRemoteSession? OpenRemote() =>
        Engine.ClientRunner is Federation.Remote.IRemoteClients remote ? remote.Open(Spec, Extras) : null;

    /// <summary>The options section of <paramref name="descriptor"/> in this run's spec.</summary>
    public T Options<T>(FrameworkDescriptor descriptor) where T : class => FrameworkOptions.Get<T>(Spec, descriptor);
}
