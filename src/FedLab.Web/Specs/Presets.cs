using FedLab.Engine.Frameworks.FedLlm;
using FedLab.Engine.Frameworks.KdFedLlm;
using FedLab.Engine.Frameworks.SplitFedLlm;
using FedLab.Engine.Runs;

namespace FedLab.Web.Specs;

/// <summary>
/// Ready-made specs for the New run form. The quick demo fine-tunes the real MiniLM with LoRA on the spam
/// data and finishes in about a minute on 2 CPU cores (measured: see docs/dashboard.md); "compare all
/// frameworks" runs that same base once per federated framework the engine has.
/// </summary>
public static class Presets
{
    public static RunSpec QuickDemo { get; } = new()
    {
        Name = "Quick demo: MiniLM + LoRA on spam",
        Model = "minilm-l6",
        Dataset = new DatasetSpec { Name = "spam", MaxTokens = 48, TrainLimit = 1200, TestLimit = 300 },
        Partition = new PartitionSpec { Kind = PartitionMethod.Dirichlet, Clients = 3, Alpha = 1.0 },
        Framework = FedLlmFramework.Id,
        FineTune = new FineTuneSpec { Mode = FineTuneKind.Lora, Lora = new LoraSpec { Rank = 8, Alpha = 16, Targets = ["query", "value"] } },
        Training = new TrainingSpec { Rounds = 4, LocalSteps = 6, BatchSize = 16, LearningRate = 0.003 },
        Seed = 42,
    };

    /// <summary>
    /// The base of the "compare all frameworks" experiment: the quick demo, with KD's public set and its
    /// distillation kept small (as examples/compare-spam.json does) and the split cut after two blocks, so
    /// the three runs together take minutes rather than an hour on CPU.
    /// </summary>
    public static RunSpec CompareBase { get; } = QuickDemo with
    {
        Name = "Framework comparison: MiniLM on spam",
        Kd = new KdOptions { PublicSize = 128, DistillationSteps = 4 },
        Split = new SplitOptions { CutLayer = 2 },
    };

    /// <summary>What the form starts with: small and valid.</summary>
    public static RunSpec Default { get; } = QuickDemo with { Name = "my run" };
}
