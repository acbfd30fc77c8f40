using FedLab.Engine.Federation;
using FedLab.Engine.Runs;

namespace FedLab.Data.Tests;

/// <summary>Small, fast specs on the tiny random model and bundled data (as in the engine tests).</summary>
internal static class TinySpecs
{
    /// <summary>One libtorch thread: tiny models gain nothing from more, and on a loaded machine spinning threads
    /// slow them down many times. The crash test gives its child process the same setting, so both compute alike.</summary>
    public static EngineOptions Engine { get; } = new() { Models = TestModels.Store, Threads = EngineThreads };

    public const int EngineThreads = 1;

    public static RunSpec FedLlm(int clients = 3, int rounds = 2, int seed = 5) => new()
    {
        Name = "tiny",
        Model = "tiny",
        Dataset = new DatasetSpec { Name = "spam", MaxTokens = 24, TrainLimit = 120, TestLimit = 40 },
        Partition = new PartitionSpec { Kind = PartitionMethod.Dirichlet, Clients = clients, Alpha = 1.0 },
        Framework = FedLlmFramework.Id,
        FineTune = new FineTuneSpec { Mode = FineTuneKind.Lora, Lora = new LoraSpec { Rank = 2, Alpha = 4, Targets = ["query", "value"] } },
        Training = new TrainingSpec { Rounds = rounds, LocalSteps = 2, BatchSize = 8, LearningRate = 0.01, EvalBatchSize = 20 },
        Seed = seed,
    };
}
