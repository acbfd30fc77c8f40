using FedLab.Engine.Runs;

namespace FedLab.Data.Tests.Recording;

/// <summary>Round checkpoints kept for forks (last, best, every n-th), and a run forked from a stored run's round.</summary>
public sealed class ForkTests
{
    private static async Task<(Guid Id, RunDetail Detail)> RunAsync(TestDatabase db, RunSpec spec)
    {
        var id = await db.Store.CreateRunAsync(spec, null, default);
        var recorded = await db.Launcher.ExecuteAsync(id, TinySpecs.Engine, null, default);
        Assert.True(recorded.Result.Status == RunStatus.Finished, recorded.Result.Error);
        return (id, (await db.Store.GetRunAsync(id, default))!);
    }

    private static (double, double, double, long, long) Numbers(RoundRow r) => (r.Accuracy, r.MacroF1, r.Loss, r.BytesUp, r.BytesDown);

    [Fact]
    public async Task AForkOfRoundK_StartsFromThatRoundsWeights_AndWithTheSameSpecRetracesTheParent()
    {
        using var db = await TestDatabase.CreateAsync();
        var parentSpec = TinySpecs.FedLlm(clients: 3, rounds: 3) with { Checkpoints = new CheckpointSpec { KeepEvery = 1 } };
        var (parentId, parent) = await RunAsync(db, parentSpec);
        Assert.Equal([0, 1, 2, 3], RunCheckpointFiles.KeptRounds(db.CheckpointDirectory, parentId));

        // Same spec: round 1 evaluated again equals the parent's round 1, and rounds 2-3 retrace the parent's exactly.
        var (_, same) = await RunAsync(db, parentSpec with { Name = "fork", Fork = new ForkSpec { Run = parentId, Round = 1 } });
        Assert.Equal([1, 2, 3], same.Rounds.Select(r => r.Round));
        Assert.Equal(parent.Rounds[1].Accuracy, same.Rounds[0].Accuracy);
        Assert.Equal(parent.Rounds[1].Loss, same.Rounds[0].Loss);
        Assert.Equal((0L, 0L), (same.Rounds[0].BytesUp, same.Rounds[0].BytesDown)); // the starting point trains nothing
        Assert.Equal(parent.Rounds.Skip(2).Select(Numbers), same.Rounds.Skip(1).Select(Numbers));

        // A changed spec: the same start, then its own path.
        var changed = parentSpec with { Name = "fork lr", Fork = new ForkSpec { Run = parentId, Round = 1 }, Training = parentSpec.Training with { LearningRate = 0.05 } };
        var (_, other) = await RunAsync(db, changed);
        Assert.Equal(parent.Rounds[1].Loss, other.Rounds[0].Loss);
        Assert.NotEqual(parent.Rounds[2].Loss, other.Rounds[1].Loss);
    }

    [Fact]
    public async Task WithoutKeepEvery_OnlyTheLastAndBestRoundsAreKept_AndAForkOfAnotherRoundIsRefusedSayingWhichAreKept()
    {
        using var db = await TestDatabase.CreateAsync();
        var (parentId, parent) = await RunAsync(db, TinySpecs.FedLlm(clients: 3, rounds: 3));
        var kept = RunCheckpointFiles.KeptRounds(db.CheckpointDirectory, parentId);
        Assert.Equal(new[] { 3, parent.Summary.BestRound ?? 3 }.Distinct().Order(), kept);

        int missing = Enumerable.Range(0, 3).First(r => !kept.Contains(r));
        var spec = TinySpecs.FedLlm(clients: 3, rounds: 3) with { Fork = new ForkSpec { Run = parentId, Round = missing } };
        var id = await db.Store.CreateRunAsync(spec, null, default);
        var refused = await Assert.ThrowsAsync<RunSpecException>(() => db.Launcher.ExecuteAsync(id, TinySpecs.Engine, null, default));
        Assert.Equal("fork.round", Assert.Single(refused.Errors).Field);
        Assert.Contains($"keeps no checkpoint of round {missing}", refused.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains(string.Join(", ", kept), refused.Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Failed, (await db.Store.GetRunSummaryAsync(id, default))!.Status);
    }

    [Fact]
    public void AForkRoundOutsideTheRounds_IsAFieldError()
    {
        var spec = TinySpecs.FedLlm(rounds: 2) with { Fork = new ForkSpec { Run = Guid.NewGuid(), Round = 2 } };
        Assert.Equal("fork.round", Assert.Single(new RunSpecValidator().Validate(spec)).Field);
        var json = RunSpecJson.Serialize(spec);
        Assert.Contains("\"fork\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"checkpoints\"", json, StringComparison.Ordinal); // absent sections stay absent: old specs serialize as before
    }
}
