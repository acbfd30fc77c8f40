using FedLab.Engine.Federation.Availability;
using FedLab.Engine.Federation.Privacy;
using FedLab.Engine.Federation.Robust;
using FedLab.Engine.Federation.SecureAggregation;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Federation;

/// <summary>
/// One run's realistic-client sections turned into its client runner and aggregator wrappers. Each returns what it
/// was given when its section is absent, so a spec without them runs exactly as before.
/// Runner, outermost first: secure-aggregation traffic → availability (dropouts, clock, deadline) → the engine's runner.
/// Aggregator, outermost first: attack (malicious clients' uploads) → min completion → DP (clip, noise) → secure
/// aggregation or a robust rule → the framework's weighted mean.
/// </summary>
public sealed class ClientRealism
{
    private readonly RunSpec _spec;
    private readonly RoundExtras _extras;
    private readonly AvailabilityPlan? _plan;
    private readonly SecAggSession? _session;

    /// <param name="totalExamples">Training examples over all clients (sizes the secure-aggregation ring).</param>
    public ClientRealism(RunSpec spec, RoundExtras extras, long totalExamples)
    {
        _spec = spec;
        _extras = extras;
        _plan = spec.Availability is null ? null : new AvailabilityPlan(spec);
        _session = spec.SecureAggregation is null ? null : new SecAggSession(spec, _plan, totalExamples);
    }

    public IClientRunner Runner(IClientRunner inner)
    {
        var runner = inner;
        if (_plan is not null)
        {
            runner = new AvailabilityRunner(runner, _spec, _plan, _extras);
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
            aggregator = new DpAggregator(aggregator, _spec, _extras);
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
}
