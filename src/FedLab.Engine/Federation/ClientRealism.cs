using FedLab.Engine.Federation.Availability;
using FedLab.Engine.Federation.Privacy;
using FedLab.Engine.Federation.Robust;
using FedLab.Engine.Federation.SecureAggregation;
using FedLab.Engine.Frameworks;
using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Engine.Federation;

/// <summary>
/// One run's realistic-client sections turned into its client runner and aggregator wrappers. Each returns what it
/// was given when its section is absent, so a spec without them runs exactly as before.
/// Runner, outermost first: secure-aggregation traffic → availability (dropouts, clock, deadline) → the engine's runner.
/// Aggregator, outermost first: attack (malicious clients' uploads) → min completion → stale updates (late ones kept
/// for a later round) → DP (clip, noise) → secure aggregation or a robust rule → the framework's weighted mean.
/// What the wrappers carry across rounds (the adaptive clipping norm, the held stale updates) is saved with the run's
/// checkpoint and restored on resume.
/// </summary>
public sealed class ClientRealism
{
    private readonly RunSpec _spec;
    private readonly RoundExtras _extras;
    private readonly AvailabilityPlan? _plan;
    private readonly SecAggSession? _session;
    private readonly StaleSchedule? _staleSchedule;
    private readonly Device _device;
    private readonly List<DpAggregator> _dp = [];
    private readonly List<StaleUpdateAggregator> _stale = [];

    /// <param name="totalExamples">Training examples over all clients (sizes the secure-aggregation ring).</param>
    /// <param name="device">The run's device (restored state goes there).</param>
    public ClientRealism(RunSpec spec, RoundExtras extras, long totalExamples, Device? device = null)
    {
        _spec = spec;
        _extras = extras;
        _device = device ?? CPU;
        _plan = spec.Availability is null ? null : new AvailabilityPlan(spec);
        _session = spec.SecureAggregation is null ? null : new SecAggSession(spec, _plan, totalExamples);
        _staleSchedule = spec.Availability is { Late: LateUpdates.Stale } a ? new StaleSchedule(a.StalenessExponent ?? AvailabilitySpec.DefaultStalenessExponent) : null;
    }

    public IClientRunner Runner(IClientRunner inner)
    {
        var runner = inner;
        if (_plan is not null)
        {
            runner = new AvailabilityRunner(runner, _spec, _plan, _extras, _staleSchedule);
        }
        if (_session is not null)
        {
            runner = new SecAggTrafficRunner(runner, _session);
        }
        return runner;
    }

    public IUpdateAggregator Wrap(IUpdateAggregator aggregator)
    {
        if (_session is not null)
        {
            aggregator = new SecureAggregator(aggregator, _session, _extras);
        }
        if (_spec.Robust is not null)
        {
            aggregator = new RobustAggregator(aggregator, _spec, _extras);
        }
        if (_spec.Privacy is not null)
        {
            var dp = new DpAggregator(aggregator, _spec, _extras);
            _dp.Add(dp);
            aggregator = dp;
        }
        if (_staleSchedule is not null)
        {
            var stale = new StaleUpdateAggregator(aggregator, _staleSchedule, _extras, _device);
            _stale.Add(stale);
            aggregator = stale;
        }
        if (_spec.Availability is { MinCompletion: > 0 })
        {
            aggregator = new MinCompletionAggregator(aggregator, _spec, _extras);
        }
        if (_spec.Attack is not null)
        {
            aggregator = new AttackAggregator(aggregator, _spec, _extras);
        }
        return aggregator;
    }

    /// <summary>What the wrappers carry to the next round, by unique name (empty when they carry nothing).</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> CheckpointState() =>
        _dp.SelectMany((dp, i) => CheckpointNames.Prefix($"realism.dp.{i}.", dp.CheckpointState()))
            .Concat(_stale.SelectMany((stale, i) => CheckpointNames.Prefix($"realism.stale.{i}.", stale.CheckpointState())));

    /// <summary>Restores what <see cref="CheckpointState"/> saved, into the wrappers of a freshly created framework.</summary>
    public void RestoreState(SafeTensorsFile state)
    {
        for (int i = 0; i < _dp.Count; i++)
        {
            _dp[i].RestoreState(Within($"realism.dp.{i}.", state));
        }
        for (int i = 0; i < _stale.Count; i++)
        {
            _stale[i].RestoreState(Within($"realism.stale.{i}.", state));
        }
    }

    /// <summary>The tensors under <paramref name="prefix"/>, names without it; a view (the caller disposes <paramref name="state"/>, not this).</summary>
    private static SafeTensorsFile Within(string prefix, SafeTensorsFile state) =>
        new([.. state.Tensors.Where(t => t.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(t => new KeyValuePair<string, Tensor>(t.Key[prefix.Length..], t.Value))], state.Metadata);
}
