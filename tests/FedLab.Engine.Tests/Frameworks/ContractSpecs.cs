using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;

namespace FedLab.Engine.Tests.Frameworks;

/// <summary>The derived contract classes' specs: <see cref="TinySpecs.FedLlm"/> with the framework and its options.</summary>
internal static class ContractSpecs
{
    public static RunSpec Kd(int clients, int rounds, int seed, KdOptions options) =>
        TinySpecs.FedLlm(clients, rounds, seed: seed) with { Framework = KdFramework.Id, Kd = options };

    public static RunSpec Split(int clients, int rounds, int seed, SplitOptions options) =>
        TinySpecs.FedLlm(clients, rounds, seed: seed) with { Framework = SplitFramework.Id, Split = options };

    public static IReadOnlySet<PayloadKind> Set(params PayloadKind[] kinds) => kinds.ToHashSet();
}
