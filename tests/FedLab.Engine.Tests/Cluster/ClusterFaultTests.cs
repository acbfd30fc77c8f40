using System.Diagnostics;
using FedLab.Cluster;
using FedLab.Engine.Runs;
using FedLab.Engine.Tests.Runs;
using FedLab.Tests.Shared;
using Xunit.Abstractions;

namespace FedLab.Engine.Tests.Cluster;

/// <summary>
/// Faults on a real cluster of worker processes: a worker killed with SIGKILL in the middle of a round (as soon as the
/// round's first client has finished, seen through the run's events) makes its clients fail the round as "workerLost",
/// or, with the retry option, run again on the other worker; the run completes, in bounded time. A worker that joins
/// during a run takes clients from the next round on.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Process)]
[Trait(TestCategories.Key, "Cluster")]
public sealed class ClusterFaultTests(ITestOutputHelper output)
{
    private static RunSpec Spec() => TinySpecs.FedLlm(clients: 6, rounds: 2) with
    {
        Training = TinySpecs.FedLlm().Training with { Rounds = 2, LocalSteps = 24 }, // long enough that calls are out when the kill lands
    };

    [Fact]
    public async Task AWorkerKilledMidRound_ItsClientsFailAsWorkerLost_AndTheRunCompletes()
    {
        var started = Stopwatch.StartNew();
        // The coordinator connects through both workers' gateways: a call to the survivor that went through the killed
        // worker's gateway is sent again through the survivor's (cluster.resends), never failed with the killed worker.
        await using var workers = await TestWorkers.StartAsync(2, new ClusterSettings { Enabled = true, CallTimeoutSeconds = 30 });
        output.WriteLine($"workers up after {started.Elapsed}");
        var (result, killedAt, finishedAt) = RunKillingSecondWorker(workers, new OrleansClientRunner(workers.Connection));
        output.WriteLine($"run finished {finishedAt - killedAt} after the kill, {started.Elapsed} in all; failures: {string.Join("; ", (result.FailedClientRounds ?? []).Select(f => $"{f.Round}/{f.ClientId} {f.Reason}"))}; {Resends(result)}");

        Assert.True(result.Status == RunStatus.Finished, result.Error + "\n" + workers.Log);
        Assert.Equal(3, result.Rounds.Count); // round 0 and the two rounds
        var failures = result.FailedClientRounds ?? [];
        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.Equal(WorkerLostException.Kind, f.Kind));
        // Every selected client is accounted for in every round: finished or failed, never silently missing.
        foreach (var round in result.Rounds.Where(r => r.Round > 0))
        {
            int finished = result.ClientRounds.Count(c => c.Round == round.Round);
            int failed = failures.Count(f => f.Round == round.Round);
            Assert.Equal(6, finished + failed);
        }
        // Only the killed worker was counted lost (the survivor never was, whichever gateway its calls went through), and
        // every failure names it. The kill lands in round 1, or between the rounds when round 1's clients all finished
        // first; then round 2 still assigns clients to the killed worker until the membership declares it dead.
        Assert.Single(failures.Select(f => f.Reason.Split(' ')[1]).Distinct());
        Assert.Equal(1.0, result.Rounds[^1].Extra![OrleansSessionNames.Lost]);
        // The clients that finished the last round ran on the survivor.
        Assert.Single(result.ClientRounds.Where(c => c.Round == 2).Select(c => c.Extra![OrleansSessionNames.Worker]).Distinct());
        Assert.True(finishedAt - killedAt < TimeSpan.FromSeconds(60), $"the run took {finishedAt - killedAt} after the kill");
    }

    [Fact]
    public async Task WithRetry_AKilledWorkersClientsRunOnTheOtherWorker_AndTheMetricsMatchInProcess()
    {
        var settings = new ClusterSettings { Enabled = true, CallTimeoutSeconds = 30, RetryOnOtherWorker = true };
        await using var workers = await TestWorkers.StartAsync(2, settings);
        var (result, _, _) = RunKillingSecondWorker(workers, new OrleansClientRunner(workers.Connection));
        var local = TinySpecs.Run(Spec());
        output.WriteLine(Resends(result));

        Assert.True(result.Status == RunStatus.Finished, result.Error + "\n" + workers.Log);
        Assert.Empty(result.FailedClientRounds ?? []);
        Assert.Equal(local.Rounds.Select(r => (r.Global.Accuracy, r.Global.Loss, r.BytesUp, r.BytesDown)), result.Rounds.Select(r => (r.Global.Accuracy, r.Global.Loss, r.BytesUp, r.BytesDown)));
        Assert.Equal(local.ClientRounds.Select(c => (c.Round, c.ClientId, c.TrainLoss, c.Flops)), result.ClientRounds.Select(c => (c.Round, c.ClientId, c.TrainLoss, c.Flops)));
    }

    [Fact]
    public async Task AWorkerThatJoinsDuringARun_TakesClientsFromTheNextRound()
    {
        var settings = new ClusterSettings { Enabled = true, CallTimeoutSeconds = 30 };
        await using var workers = await TestWorkers.StartAsync(1, settings);
        var sink = new RecordingSink(e =>
        {
            if (e is RoundFinished { Metrics.Round: 1 })
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                workers.StartOneAsync(settings, cts.Token).GetAwaiter().GetResult();
                workers.WaitForMembersAsync(2, cts.Token).GetAwaiter().GetResult();
                workers.WaitForHomesAsync(2, cts.Token).GetAwaiter().GetResult(); // Orleans places the new worker's host on it
            }
        });
        var result = new RunExecutor(TinySpecs.Engine with { ClientRunner = new OrleansClientRunner(workers.Connection) }).Execute(Guid.NewGuid(), Spec(), sink, CancellationToken.None);

        output.WriteLine($"failures: {string.Join("; ", (result.FailedClientRounds ?? []).Select(f => $"{f.Round}/{f.ClientId} {f.Reason}"))}; round 2 workers: {string.Join(",", result.ClientRounds.Where(c => c.Round == 2).Select(c => c.Extra![OrleansSessionNames.Worker]))}; {Resends(result)}");
        Assert.True(result.Status == RunStatus.Finished, result.Error + "\n" + workers.Log);
        Assert.Single(result.ClientRounds.Where(c => c.Round == 1).Select(c => c.Extra![OrleansSessionNames.Worker]).Distinct());
        Assert.Equal(2, result.ClientRounds.Where(c => c.Round == 2).Select(c => c.Extra![OrleansSessionNames.Worker]).Distinct().Count());
    }

    private static string Resends(RunResult result) =>
        "calls sent again per round: " + string.Join(", ", result.Rounds.Select(r => r.Extra?.GetValueOrDefault(OrleansSessionNames.Resends) ?? 0));

    /// <summary>Runs <see cref="Spec"/>, killing the second worker as soon as round 1's first client has finished.</summary>
    private static (RunResult Result, DateTimeOffset KilledAt, DateTimeOffset FinishedAt) RunKillingSecondWorker(LocalWorkers workers, OrleansClientRunner runner)
    {
        var killedAt = DateTimeOffset.MinValue;
        var sink = new RecordingSink(e =>
        {
            if (e is ClientRoundFinished { Metrics.Round: 1 } && killedAt == DateTimeOffset.MinValue)
            {
                workers.Kill(1);
                killedAt = DateTimeOffset.UtcNow;
            }
        });
        var clock = Stopwatch.StartNew();
        var result = new RunExecutor(TinySpecs.Engine with { ClientRunner = runner }).Execute(Guid.NewGuid(), Spec(), sink, CancellationToken.None);
        Assert.NotEqual(DateTimeOffset.MinValue, killedAt);
        return (result, killedAt, DateTimeOffset.UtcNow);
    }
}
