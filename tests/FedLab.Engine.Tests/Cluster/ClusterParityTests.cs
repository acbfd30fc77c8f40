using FedLab.Cluster;
using FedLab.Engine.Federation;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Frameworks;
using FedLab.Engine.Tests.Runs;
using FedLab.Tests.Shared;

namespace FedLab.Engine.Tests.Cluster;

/// <summary>Two worker processes on localhost, shared by the tests of <see cref="ClusterParityTests"/>.</summary>
public sealed class TwoWorkers : IAsyncLifetime
{
    internal LocalWorkers Workers { get; private set; } = null!;

    public async Task InitializeAsync() => Workers = await TestWorkers.StartAsync(2);

    public async Task DisposeAsync()
    {
        if (Workers is not null)
        {
            await Workers.DisposeAsync();
        }
    }
}

/// <summary>
/// The same spec gives bit-identical metrics in-process and with its clients on two worker processes (issue 17): every
/// round's accuracy, macro-F1, loss and bytes by kind, every client round's examples, steps, loss, bytes and FLOPs.
/// The cluster's own count of payload bytes that crossed the wire equals the bytes the run reports.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Process)]
[Trait(TestCategories.Key, "Cluster")]
public sealed class ClusterParityTests(TwoWorkers fixture) : IClassFixture<TwoWorkers>
{
    [Fact]
    public void FedLlm_OnTwoWorkers_MatchesInProcess_BitForBit()
    {
        var result = AssertSameAsInProcess(TinySpecs.FedLlm(clients: 4, rounds: 2));
        // Parallel clients: both workers served some.
        var used = result.ClientRounds.Select(c => c.Extra![OrleansSessionNames.Worker]).Distinct().Count();
        Assert.Equal(2, used);
    }

    [Fact]
    public void SplitFed_OnTwoWorkers_MatchesInProcess_BitForBit() =>
        AssertSameAsInProcess(ContractSpecs.Split(3, 2, 5, new SplitOptions { CutLayer = 1, Variant = SplitVariant.SplitFed }));

    [Fact]
    public void SequentialSplit_OnTwoWorkers_MatchesInProcess_BitForBit() =>
        AssertSameAsInProcess(ContractSpecs.Split(3, 2, 5, new SplitOptions { CutLayer = 1, Variant = SplitVariant.Sequential }));

    [Fact]
    public void Kd_OnTwoWorkers_MatchesInProcess_BitForBit()
    {
        // Clients keep their own models between rounds: the second round starts from the first's state on whichever worker.
        var options = new KdOptions { Variant = KdVariant.ServerDistillation, PublicSize = 24, DistillationSteps = 1, ServerDistillationSteps = 1 };
        AssertSameAsInProcess(ContractSpecs.Kd(3, 2, 5, options));
    }

    private RunResult AssertSameAsInProcess(RunSpec spec)
    {
        var local = TinySpecs.Run(spec);
        var runner = new OrleansClientRunner(fixture.Workers.Connection);
        var remote = new RunExecutor(TinySpecs.Engine with { ClientRunner = runner }).Execute(Guid.NewGuid(), spec, new RecordingSink(), CancellationToken.None);

        Assert.True(local.Status == RunStatus.Finished, local.Error);
        Assert.True(remote.Status == RunStatus.Finished, remote.Error + "\n" + fixture.Workers.Log);
        Assert.Empty(remote.FailedClientRounds ?? []);
        Assert.Equal(local.Rounds.Count, remote.Rounds.Count);
        for (int i = 0; i < local.Rounds.Count; i++)
        {
            var (a, b) = (local.Rounds[i], remote.Rounds[i]);
            Assert.Equal(Fingerprint(a), Fingerprint(b));
            if (a.Round > 0)
            {
                Assert.Equal(b.BytesUp + b.BytesDown, (long)b.Extra![OrleansSessionNames.PayloadBytes]); // the wire carried exactly what the run reports
                Assert.True(b.Extra[OrleansSessionNames.MessageBytes] >= b.BytesUp + b.BytesDown);
            }
        }
        Assert.Equal(local.ClientRounds.Select(Fingerprint), remote.ClientRounds.Select(Fingerprint));
        return remote;
    }

    private static string Fingerprint(RoundMetrics r) =>
        $"{r.Round} acc={r.Global.Accuracy:R} f1={r.Global.MacroF1:R} loss={r.Global.Loss:R} n={r.Global.Examples} clients={r.Clients} " +
        $"down={Kinds(r.BytesDownByKind)} up={Kinds(r.BytesUpByKind)} flops={r.ClientFlops:R} train={r.TrainLoss:R} cacc={r.ClientAccuracyMean:R}/{r.ClientAccuracyStd:R}";

    private static string Fingerprint(ClientRoundMetrics c) =>
        $"{c.Round}/{c.ClientId} n={c.Examples} steps={c.Steps} loss={c.TrainLoss:R} down={Kinds(c.BytesDownByKind)} up={Kinds(c.BytesUpByKind)} flops={c.Flops:R} acc={c.Accuracy:R}";

    private static string Kinds(IReadOnlyDictionary<PayloadKind, long> bytes) =>
        string.Join(",", bytes.OrderBy(k => k.Key.Name, StringComparer.Ordinal).Select(k => $"{k.Key.Name}:{k.Value}"));
}
