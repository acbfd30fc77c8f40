using FedLab.Engine.Tests.Datasets;
using FedLab.Engine.Runs;
using FedLab.Tests.Shared;

namespace FedLab.Engine.Tests.Runs;

/// <summary>Issue #10 item 4: a run whose loss becomes NaN or infinite ends failed, saying so, with the rounds before it kept.</summary>
public sealed class DivergenceTests
{
    [Fact]
    public void NonFiniteLoss_EndsTheRunFailed_WithTheDivergedMessage_KeepingEarlierRounds()
    {
        // A real divergence through the model: an aggregator wrapper that scales the update by +∞ turns every
        // weight into NaN/∞ after round 1's aggregation, so round 1's evaluation loss is NaN.
        using var folder = new TempFolder();
        var spec = TinySpecs.FedLlm(clients: 2, rounds: 3);
        var sink = new RecordingSink();
        var result = new RunExecutor(TinySpecs.Engine with { AggregatorWrappers = [new ScaledUpdateWrapping(double.PositiveInfinity)] })
            .Execute(Guid.NewGuid(), spec, sink, CancellationToken.None, new RunOptions { CheckpointDirectory = folder.Path });

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.StartsWith("diverged: the evaluation loss was NaN in round 1", result.Error);
        Assert.Equal([0, 1], result.Rounds.Select(r => r.Round));
        Assert.True(double.IsNaN(result.Rounds[1].Global.Loss));
        var rounds = sink.Events.OfType<RoundFinished>().ToList();
        Assert.Equal([0, 1], rounds.Select(r => r.Metrics.Round));
        Assert.NotNull(rounds[0].CheckpointPath);
        Assert.Null(rounds[1].CheckpointPath); // a resume retries round 1 from round 0's state, not from NaN weights
        var failed = Assert.IsType<RunFailed>(sink.Events[^1]);
        Assert.Equal(result.Error, failed.Error);
    }

    [Fact]
    public void DivergedCheck_NamesTheLossAndTheRound()
    {
        var none = new Dictionary<PayloadKind, long>();
        RoundMetrics Round(double evalLoss, double? trainLoss) =>
            new(4, new EvalMetrics(0.5, 0.5, evalLoss, 10), 2, 0, 0, none, none, 0, 0, 0, 0, 0, trainLoss, null, null);

        Assert.Null(RunDivergedException.Check(Round(0.7, 0.6)));
        Assert.StartsWith("diverged: the training loss was NaN in round 4", RunDivergedException.Check(Round(0.7, double.NaN)));
        Assert.StartsWith("diverged: the training loss was +∞ in round 4", RunDivergedException.Check(Round(double.NaN, double.PositiveInfinity)));
        Assert.StartsWith("diverged: the evaluation loss was -∞ in round 4", RunDivergedException.Check(Round(double.NegativeInfinity, null)));
    }

    public static TheoryData<string, Func<RunSpec, RunSpec>> Extremes => new()
    {
        { "kd.temperature", s => s with { Framework = KdFramework.Id, Kd = new KdOptions { Temperature = 1e-300 } } },
        { "kd.temperature", s => s with { Framework = KdFramework.Id, Kd = new KdOptions { Temperature = 0.01 } } },
        { "kd.distillationLearningRate", s => s with { Framework = KdFramework.Id, Kd = new KdOptions { DistillationLearningRate = 1e-300 } } },
        { "training.learningRate", s => s with { Training = s.Training with { LearningRate = 1e-300 } } },
        { "fedLlm.serverLearningRate", s => s with { FedLlm = new FedLlmOptions { ServerOptimizer = ServerOptimizerKind.Adam, ServerLearningRate = 1e-300 } } },
        { "fedLlm.serverEpsilon", s => s with { FedLlm = new FedLlmOptions { ServerOptimizer = ServerOptimizerKind.Adam, ServerEpsilon = 1e-300 } } },
        { "fineTune.lora.alpha", s => s with { FineTune = s.FineTune with { Lora = s.FineTune.Lora with { Alpha = 1e-300 } } } },
        { "partition.alpha", s => s with { Partition = s.Partition with { Alpha = 1e-300 } } },
        { "partition.alpha", s => s with { Partition = s.Partition with { Alpha = double.NaN } } },
    };

    [Theory]
    [MemberData(nameof(Extremes))]
    public void ExtremeNumbers_AreRefused_NamingTheField(string field, Func<RunSpec, RunSpec> change)
    {
        var errors = new RunSpecValidator(() => false).Validate(change(TinySpecs.FedLlm()));
        var error = Assert.Single(errors, e => e.Field == field);
        Assert.Contains("must be between", error.Message);
    }

    [Fact]
    public void TheBoundsThemselves_AreAccepted()
    {
        var spec = TinySpecs.FedLlm() with
        {
            Framework = KdFramework.Id,
            Kd = new KdOptions { Temperature = KdOptionsRules.MinTemperature, DistillationLearningRate = RunSpecValidator.MinLearningRate },
            Training = TinySpecs.FedLlm().Training with { LearningRate = RunSpecValidator.MinLearningRate },
            Partition = TinySpecs.FedLlm().Partition with { Alpha = RunSpecValidator.MinDirichletAlpha },
        };
        Assert.Empty(new RunSpecValidator(() => false).Validate(spec));
    }
}
