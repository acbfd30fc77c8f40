using FedLab.Engine.Frameworks.FedLlm;
using FedLab.Engine.Frameworks.KdFedLlm;
using FedLab.Engine.Frameworks.SplitFedLlm;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Federation.Remote;

/// <summary>
/// One run on a worker: its own <see cref="RunEnvironment"/> built from the spec (the frozen base loaded once, the
/// same tokenised data and partition, seeded as the coordinator's), and the client programs of the run's framework.
/// Calls run one at a time (the environment has one model that clients swap their state into), synchronously on the
/// caller's thread (dispose scopes are per thread).
/// </summary>
public sealed class WorkerRun : IDisposable
{
    private readonly object _gate = new();
    private readonly RunEnvironment _env;
    private readonly EngineOptions _options;
    private FedLlmClientProgram? _fedLlm;
    private SplitClientProgram? _split;
    private KdClientSide? _kdSide;
    private KdClientProgram? _kd;
    private TrainableState?[]? _kdStates;

    public WorkerRun(RunSpec spec, EngineOptions options)
    {
        var errors = new RunSpecValidator().Validate(spec);
        if (errors.Count > 0)
        {
            throw new RunSpecException(errors);
        }
        _options = options;
        _env = RunEnvironment.Create(spec, options);
    }

    public RunSpec Spec => _env.Spec;

    /// <summary>Clients served by this worker in this run, with the last round each one worked.</summary>
    public IReadOnlyDictionary<int, int> Served
    {
        get
        {
            lock (_served)
            {
                return new Dictionary<int, int>(_served);
            }
        }
    }

    private readonly Dictionary<int, int> _served = [];

    public ClientReply Handle(ClientCall call, CancellationToken ct)
    {
        lock (_gate)
        {
            lock (_served)
            {
                _served[call.ClientId] = call.Round;
            }
            return call.Program switch
            {
                FedLlmClientProgram.Name => (_fedLlm ??= new FedLlmClientProgram(_env)).Handle(call, ct),
                SplitClientProgram.Name => (_split ??= SplitClientProgram.For(_env)).Handle(call, ct),
                KdClientProgram.Name => Kd().Handle(call, ct),
                _ => throw new InvalidOperationException($"no client program '{call.Program}'"),
            };
        }
    }

    private KdClientProgram Kd()
    {
        if (_kd is null)
        {
            _kdSide = new KdClientSide(_env, _options.Models);
            _kdStates = new TrainableState?[_env.Spec.Partition.Clients];
            _kd = new KdClientProgram(_kdSide, _kdStates);
        }
        return _kd;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var state in _kdStates ?? [])
            {
                state?.Dispose();
            }
            _kdSide?.Dispose();
            _env.Dispose();
        }
    }
}
