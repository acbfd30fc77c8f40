using FedLab.Engine.Runs;
using FedLab.Engine.Tasks;
using FedLab.Engine.Tasks.Generative;
using FedLab.Engine.Tests.Frameworks.Decoders;
using FedLab.Tests.Shared;

namespace FedLab.Engine.Tests.Tasks.Generative;

/// <summary>
/// The decoder contract specs turned generative: the bundled spam question (spam-yesno), answered by a tiny decoder of
/// the family through the alpaca template (the tiny tokenizer has no chat tokens), with room for the question and the
/// start of each e-mail.
/// </summary>
internal static class GenerativeSpecs
{
    public static readonly TaskSpec Task = new() { Kind = TaskKind.Generative, MaxNewTokens = 3, GenerateLimit = 6 };

    private static RunSpec Generative(RunSpec spec) => spec with
    {
        Task = Task,
        Dataset = spec.Dataset with { Name = InstructionDatasets.SpamYesNo, MaxTokens = 96, TrainLimit = 48, TestLimit = 10, ValidationSize = 6 },
    };

    public static RunSpec FedLlm(string family, int clients = 3, int rounds = 3, int seed = 5) => Generative(DecoderContractSpecs.FedLlm(family, clients, rounds, seed));

    public static RunSpec Kd(string family, int clients = 3, int rounds = 3, int seed = 5) =>
        Generative(DecoderContractSpecs.Kd(family, clients, rounds, seed)) with { Kd = new KdOptions { PublicSize = 6, DistillationSteps = 2, TopK = 4 } };

    public static RunSpec Split(string family, int clients = 3, int rounds = 3, int seed = 5) => Generative(DecoderContractSpecs.Split(family, clients, rounds, seed));
}
