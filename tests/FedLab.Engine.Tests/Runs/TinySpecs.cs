using FedLab.Engine.Federation;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Tests.Runs;

/// <summary>Small, fast specs on the tiny random model and bundled data.</summary>
internal static class TinySpecs
{
    public static EngineOptions Engine { get; } = new() { Models = TestModels.Store };

    public static RunSpec FedLlm(int clients = 3, int rounds = 2, FineTuneKind mode = FineTuneKind.Lora, int seed = 5) => new()
    {
        Name = "tiny",
        Model = "tiny",
        Dataset = new DatasetSpec { Name = "spam", MaxTokens = 24, TrainLimit = 120, TestLimit = 40 },
        Partition = new PartitionSpec { Kind = PartitionMethod.Dirichlet, Clients = clients, Alpha = 1.0 },
        Framework = FedLlmFramework.Id,
        FineTune = new FineTuneSpec { Mode = mode, Lora = new LoraSpec { Rank = 2, Alpha = 4, Targets = ["query", "value"] } },
        Training = new TrainingSpec { Rounds = rounds, LocalSteps = 2, BatchSize = 8, LearningRate = 0.01, EvalBatchSize = 20 },
        Seed = seed,
    };

    public static RunResult Run(RunSpec spec, IRunEventSink? sink = null, CancellationToken ct = default) =>
        new RunExecutor(Engine).Execute(Guid.NewGuid(), spec, sink ?? new RecordingSink(), ct);

    /// <summary>
    /// Runs <paramref name="spec"/> with checkpoints in <paramref name="directory"/>, "crashes" it (cancels) inside
    /// the round after <paramref name="crashAfterRound"/>, then resumes it from that round's checkpoint.
    /// </summary>
    public static (RunResult First, string Checkpoint, RunResult Resumed, RecordingSink ResumedEvents) CrashAndResume(
        Guid runId, RunSpec spec, string directory, int crashAfterRound = 2)
    {
        using var cts = new CancellationTokenSource();
        string? checkpoint = null;
        var executor = new RunExecutor(Engine);
        var first = executor.Execute(runId, spec, new RecordingSink(e =>
        {
            if (e is RoundFinished r && r.Metrics.Round == crashAfterRound)
            {
                checkpoint = r.CheckpointPath;
                cts.Cancel();
            }
        }), cts.Token, new RunOptions { CheckpointDirectory = directory });
        Assert.True(first.Status == RunStatus.Cancelled, $"{first.Status}: {first.Error}");
        Assert.NotNull(checkpoint);
        var events = new RecordingSink();
        var resumed = executor.Execute(runId, spec, events, CancellationToken.None, new RunOptions { CheckpointDirectory = directory, ResumeFrom = checkpoint });
        return (first, checkpoint, resumed, events);
    }
}
