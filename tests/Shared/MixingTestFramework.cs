using FedLab.Engine.Federation;
using FedLab.Engine.Frameworks;
using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Tests.Shared;

/// <summary>
/// A framework that exists only in the tests, to prove the framework seam: it is registered from outside src/ and
/// must then run through the contract suite, the validator, the REST API and the compare report. Clients train the
/// global trainable state as FedLLM clients do; the server moves the global state a fraction <c>mixing</c> of the way
/// to the clients' weighted mean (mixing 1 = FedAvg).
/// </summary>
public sealed class MixingTestFramework : FrameworkDescriptor
{
    public const string Id = "test-mixing";

    public override string Name => Id;

    public override string DisplayName => "Mixing (test framework)";

    public override string? OptionsSection => "testMixing";

    public override Type? OptionsType => typeof(MixingOptions);

    public override string Variant(RunSpec spec) => $"mixing {FrameworkOptions.Get<MixingOptions>(spec, this).Mixing}";

    public override IEnumerable<SpecError> Validate(RunSpec spec, FrameworkValidation context)
    {
        var mixing = FrameworkOptions.Get<MixingOptions>(spec, this).Mixing;
        if (!(mixing > 0 && mixing <= 1))
        {
            yield return new SpecError("testMixing.mixing", $"must be greater than 0 and at most 1, got {mixing}");
        }
    }

    public override IFederatedAlgorithm Create(FrameworkContext context) => new Algorithm(context, context.Options<MixingOptions>(this).Mixing);

    /// <summary>Registers the framework for as long as the returned registration is not disposed.</summary>
    public static IDisposable Register() => FrameworkRegistry.Register(new MixingTestFramework());

    private sealed class Algorithm(FrameworkContext context, double mixing) : IFederatedAlgorithm
    {
        private readonly RunEnvironment _env = context.Environment;
        private readonly LocalTrainer _trainer = new(context.Environment);
        private readonly TrainableState _global = TrainableState.Capture(context.Environment.Trainable);
        private readonly IUpdateAggregator _aggregator = context.Wrap(new WeightedMeanAggregator());

        public RoundOutcome RunRound(int round, IReadOnlyList<int> clients, ClientReports reports, CancellationToken ct)
        {
            var broadcast = _global.Serialize();
            _aggregator.Begin(round, _global);
            var finished = new List<ClientRoundMetrics>();
            var failed = new List<ClientFailure>();
            context.ClientRunner.Run(round, clients, (task, token) =>
            {
                using (var received = TrainableState.Deserialize(task.Link.Received(broadcast), _env.Device))
                {
                    received.LoadInto(_env.Trainable);
                }
                var indices = _env.Partition.ClientIndices[task.ClientId];
                var result = _trainer.Train(indices, _trainer.StepsFor(indices.Length), SeedMix.Derive(_env.Spec.Seed, task.Round, task.ClientId), null, 0, token);
                using var local = TrainableState.Capture(_env.Trainable);
                return (Upload: task.Link.Sent(local.Serialize()), Result: result, Examples: indices.Length);
            }, outcome =>
            {
                if (outcome.Failure is { } failure)
                {
                    failed.Add(failure);
                    reports.Failed(failure);
                    return;
                }
                var (upload, result, examples) = outcome.Result;
                using (var update = TrainableState.Deserialize(upload, _env.Device))
                {
                    _aggregator.Add(outcome.ClientId, update, examples);
                }
                var metrics = new ClientRoundMetrics(round, outcome.ClientId, result.Examples, result.Steps, result.MeanLoss, outcome.Link.Down,
                    outcome.Link.Up, outcome.Link.DownByKind, outcome.Link.UpByKind, result.Flops, outcome.Seconds,
                    Extra: new Dictionary<string, double> { ["mixing.examples"] = examples });
                finished.Add(metrics);
                reports.Finished(metrics);
            }, ct);
            using (var mean = _aggregator.Finish())
            {
                if (mean is not null)
                {
                    _global.Scale(1 - mixing);
                    _global.AddScaled(mean, mixing);
                }
            }
            _global.LoadInto(_env.Trainable);
            // Named metrics of the round, as a privacy accountant or a simulated clock would report them.
            return new RoundOutcome(finished, 0, failed, new Dictionary<string, double> { ["mixing.weight"] = mixing, ["mixing.clients"] = finished.Count });
        }

        public EvalMetrics Evaluate(CancellationToken ct)
        {
            var metrics = Evaluator.Evaluate(_env, _env.Test, ct);
            return metrics with { Extra = new Dictionary<string, double> { ["test.errorRate"] = 1 - metrics.Accuracy } };
        }

        public IEnumerable<KeyValuePair<string, Tensor>> CheckpointState() => CheckpointNames.Prefix("global.", _global.Tensors);

        public void RestoreState(SafeTensorsFile state)
        {
            CheckpointNames.CopyInto("global.", _global.Tensors, state);
            _global.LoadInto(_env.Trainable);
        }

        public void Dispose()
        {
            _aggregator.Dispose();
            _global.Dispose();
        }
    }
}

/// <summary>The test framework's options section, <c>"testMixing": { "mixing": 0.5 }</c>.</summary>
public sealed record MixingOptions
{
    public double Mixing { get; init; } = 0.5;
}
