using FedLab.Data.Queries;
using FedLab.Engine.Federation.Availability;
using FedLab.Engine.Runs;

namespace FedLab.Data.Tests.Realism;

/// <summary>
/// A real FedLLM run with 30% dropout and a minimum completion of 50% completes, and what the run page reads marks
/// every dropped client round in the heatmap ("dropped: why"); the round's dropped count is stored with it.
/// </summary>
public sealed class DroppedClientsHeatmapTests
{
    [Fact]
    public async Task FedLlm_With30PercentDropout_Completes_AndTheHeatmapMarksTheDroppedCells()
    {
        using var db = await TestDatabase.CreateAsync();
        var spec = TinySpecs.FedLlm(clients: 10, rounds: 3) with { Availability = new AvailabilitySpec { Dropout = 0.3, MinCompletion = 0.5 } };
        var runId = await db.Store.CreateRunAsync(spec, null, default);
        var recorder = db.Recorders.Create(runId);
        var result = new RunExecutor(TinySpecs.Engine).Execute(runId, spec, recorder, default);
        Assert.True(result.Status == RunStatus.Finished, result.Error);
        Assert.Equal(0, recorder.FailedWrites);

        var expected = Enumerable.Range(1, 3)
            .SelectMany(round => Enumerable.Range(0, 10).Where(c => AvailabilityPlan.IsDropped(spec.Seed, 0.3, round, c)).Select(c => (Row: round - 1, Client: c)))
            .ToHashSet();
        Assert.NotEmpty(expected);

        var page = (await new RunPageQueries(db.Contexts, db.Store).ReadAsync(runId, 200, default))!;
        var marked = page.HeatmapCells.Where(c => c.Failure is not null).ToList();
        Assert.Equal(expected, marked.Select(c => (c.Row, c.ClientId)).ToHashSet());
        Assert.All(marked, c => Assert.StartsWith("dropped", c.Failure, StringComparison.Ordinal));
        var rounds = (await db.Store.GetRunAsync(runId, default))!.Rounds;
        Assert.Equal(expected.Count(e => e.Row == 0), rounds[1].Extra["availability.dropped"]);
    }
}
