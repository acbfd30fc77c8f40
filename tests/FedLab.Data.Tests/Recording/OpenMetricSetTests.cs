using System.Text;
using System.Text.Json;
using FedLab.Data.Queries;
using FedLab.Engine.Runs;
using static FedLab.Data.Tests.SyntheticEvents;

namespace FedLab.Data.Tests.Recording;

/// <summary>Named metrics beyond the fixed columns are rows by name: stored, read back, exported, replaced, deleted.</summary>
public sealed class OpenMetricSetTests
{
    private static RoundMetrics WithMetrics(RoundMetrics round, params (string Name, double Value)[] metrics) =>
        round with { Extra = metrics.ToDictionary(m => m.Name, m => m.Value) };

    [Fact]
    public async Task NamedMetrics_AreStoredPerRoundAndClient_AndAppearInDetailPageCsvAndJson()
    {
        using var db = await TestDatabase.CreateAsync();
        var spec = TinySpecs.FedLlm(clients: 2, rounds: 2);
        var runId = await db.Store.CreateRunAsync(spec, null, default);
        var recorder = db.Recorders.Create(runId);
        recorder.Publish(Started(runId, spec));
        recorder.Publish(new RoundFinished(runId, T0, WithMetrics(Round(0, 0.5, []), ("validation.accuracy", 0.25)), 2, null));
        for (int r = 1; r <= 2; r++)
        {
            var clients = Enumerable.Range(0, 2)
                .Select(c => Client(r, c) with { Extra = new Dictionary<string, double> { ["clock.simulatedSeconds"] = 10 * r + c } }).ToList();
            foreach (var c in clients)
            {
                recorder.Publish(new ClientRoundFinished(runId, T0, c));
            }
            var round = r == 1
                ? WithMetrics(Round(r, 0.7, clients), ("validation.accuracy", 0.5), ("privacy.epsilon", 1.5))
                : WithMetrics(Round(r, 0.8, clients), ("validation.accuracy", double.NaN), ("privacy.epsilon", 2.25));
            recorder.Publish(new RoundFinished(runId, T0.AddSeconds(r), round, 2, null));
        }
        recorder.Publish(new RunFinished(runId, T0.AddMinutes(1), 0.8, 0.8, 60));
        Assert.Equal(0, recorder.FailedWrites);
        Assert.Equal(5, db.Scalar("SELECT COUNT(*) FROM RoundMetrics"));
        Assert.Equal(4, db.Scalar("SELECT COUNT(*) FROM ClientRoundMetrics"));

        var detail = (await db.Store.GetRunAsync(runId, default))!;
        Assert.Equal(["validation.accuracy"], detail.Rounds[0].Extra.Keys);
        Assert.Equal(["privacy.epsilon", "validation.accuracy"], detail.Rounds[1].Extra.Keys);
        Assert.Equal(1.5, detail.Rounds[1].Extra["privacy.epsilon"]);
        Assert.True(double.IsNaN(detail.Rounds[2].Extra["validation.accuracy"]));
        Assert.Equal(21, detail.ClientRounds.Single(c => c.Round == 2 && c.ClientId == 1).Extra["clock.simulatedSeconds"]);

        var page = new RunPageQueries(db.Contexts, db.Store);
        var rounds = (await page.GetRoundsAsync(runId, default))!;
        Assert.Equal(2.25, rounds[2].Extra["privacy.epsilon"]);
        var clientRows = await page.GetClientRoundsAsync(runId, 1, default);
        Assert.Equal([10.0, 11.0], clientRows.Select(c => c.Extra["clock.simulatedSeconds"]));

        using var csv = new MemoryStream();
        await db.Store.ExportCsvAsync([runId], csv, default);
        var lines = Encoding.UTF8.GetString(csv.ToArray()).TrimEnd('\n').Split('\n');
        var header = lines[0].Split(',');
        Assert.Equal(["privacy.epsilon", "validation.accuracy"], header[^2..]);
        Assert.Equal(["", "0.25"], lines[1].Split(',')[^2..]);
        Assert.Equal(["2.25", "NaN"], lines[3].Split(',')[^2..]);

        using var json = new MemoryStream();
        await db.Store.ExportJsonAsync([runId], json, default);
        using var doc = JsonDocument.Parse(json.ToArray());
        var run = doc.RootElement.GetProperty("runs")[0];
        Assert.Equal(1.5, run.GetProperty("rounds")[1].GetProperty("extra").GetProperty("privacy.epsilon").GetDouble());
        Assert.Equal(10, run.GetProperty("clientRounds")[0].GetProperty("extra").GetProperty("clock.simulatedSeconds").GetDouble());
    }

    [Fact]
    public async Task RoundRecordedAgain_ReplacesItsMetrics_AResumeDropsLaterOnes_AndDeletingTheRunRemovesThem()
    {
        using var db = await TestDatabase.CreateAsync();
        var spec = TinySpecs.FedLlm(clients: 2, rounds: 3);
        var runId = await db.Store.CreateRunAsync(spec, null, default);
        var recorder = db.Recorders.Create(runId);
        recorder.Publish(Started(runId, spec));
        recorder.Publish(new RoundFinished(runId, T0, WithMetrics(Round(0, 0.5, []), ("validation.accuracy", 0.25), ("test.old", 1)), 3, null));
        recorder.Publish(new RoundFinished(runId, T0, WithMetrics(Round(0, 0.5, []), ("validation.accuracy", 0.5)), 3, null));
        var clients = new[] { Client(1, 0) with { Extra = new Dictionary<string, double> { ["clock.simulatedSeconds"] = 3 } } };
        recorder.Publish(new ClientRoundFinished(runId, T0, clients[0]));
        recorder.Publish(new RoundFinished(runId, T0, WithMetrics(Round(1, 0.6, clients), ("validation.accuracy", 0.75)), 3, null));
        Assert.Equal(0, recorder.FailedWrites);
        var detail = (await db.Store.GetRunAsync(runId, default))!;
        Assert.Equal(["validation.accuracy"], detail.Rounds[0].Extra.Keys);
        Assert.Equal(0.5, detail.Rounds[0].Extra["validation.accuracy"]);

        // A resume from round 1 drops the rows of round 1 on.
        var resumed = db.Recorders.Create(runId);
        resumed.Publish(Started(runId, spec, firstRound: 1));
        Assert.Equal(1, db.Scalar("SELECT COUNT(*) FROM RoundMetrics"));
        Assert.Equal(0, db.Scalar("SELECT COUNT(*) FROM ClientRoundMetrics"));

        resumed.Publish(new RunCancelled(runId, T0, 0));
        Assert.True(await db.Store.DeleteRunAsync(runId, default));
        Assert.Equal(0, db.Scalar("SELECT COUNT(*) FROM RoundMetrics"));
    }
}
