using System.Text;
using System.Text.Json;
using FedLab.Engine.Runs;
using static FedLab.Data.Tests.SyntheticEvents;

namespace FedLab.Data.Tests.Recording;

/// <summary>Traffic is rows by kind name (a new kind needs no code change) and failed clients are client-round rows.</summary>
public sealed class OpenTrafficAndFailuresTests
{
    private static readonly PayloadKind Masks = new("secaggMasks");

    private static ClientRoundMetrics MaskedClient(int round, int client) => Client(round, client) with
    {
        BytesUp = 1000 + 64,
        BytesUpByKind = new Dictionary<PayloadKind, long> { [PayloadKind.Parameters] = 1000, [Masks] = 64 },
    };

    [Fact]
    public async Task NewPayloadKind_IsStored_AndAppearsInSeriesCsvAndJson()
    {
        using var db = await TestDatabase.CreateAsync();
        var spec = TinySpecs.FedLlm(clients: 2, rounds: 2);
        var runId = await db.Store.CreateRunAsync(spec, null, default);
        var recorder = db.Recorders.Create(runId);
        recorder.Publish(Started(runId, spec));
        PublishRound(recorder, runId, 0, 0.5, clients: 2, totalRounds: 2);
        for (int r = 1; r <= 2; r++)
        {
            var clients = Enumerable.Range(0, 2).Select(c => MaskedClient(r, c)).ToList();
            foreach (var c in clients)
            {
                recorder.Publish(new ClientRoundFinished(runId, T0, c));
            }
            recorder.Publish(new RoundFinished(runId, T0.AddSeconds(r), Round(r, 0.6 + r / 10.0, clients), 2, null));
        }
        recorder.Publish(new RunFinished(runId, T0.AddMinutes(1), 0.8, 0.8, 60));
        Assert.Equal(0, recorder.FailedWrites);

        Assert.Equal(2, db.Scalar("SELECT COUNT(*) FROM RoundTraffic WHERE Kind = 'secaggMasks'"));
        Assert.Equal(128, db.Scalar("SELECT BytesUp FROM RoundTraffic WHERE Kind = 'secaggMasks' AND Round = 2"));
        Assert.Equal(4, db.Scalar("SELECT COUNT(*) FROM ClientRoundTraffic WHERE Kind = 'secaggMasks' AND BytesUp = 64"));

        var detail = (await db.Store.GetRunAsync(runId, default))!;
        Assert.Equal(128, detail.Rounds[1].Up[Masks]);
        Assert.Equal(64, detail.ClientRounds[0].Up[Masks]);

        var series = (await db.Store.GetSeriesAsync([runId], default)).Single();
        Assert.Equal([PayloadKind.Parameters, Masks], series.CumulativeMbUpByKind.Keys);
        Assert.Equal([0, 0.000128, 0.000256], series.CumulativeMbUpByKind[Masks].Select(v => Math.Round(v, 9)));
        var summary = (await db.Store.GetSummariesAsync([runId], default)).Single();
        Assert.Equal(256, summary.Up[Masks]);

        using var csv = new MemoryStream();
        await db.Store.ExportCsvAsync([runId], csv, default);
        var lines = Encoding.UTF8.GetString(csv.ToArray()).TrimEnd('\n').Split('\n');
        var header = lines[0].Split(',');
        Assert.Contains("up_parameters_bytes", header);
        Assert.Contains("down_parameters_bytes", header);
        Assert.DoesNotContain("up_logits_bytes", header);
        Assert.Equal("128", lines[3].Split(',')[Array.IndexOf(header, "up_secagg_masks_bytes")]);
        Assert.Equal("0", lines[3].Split(',')[Array.IndexOf(header, "down_secagg_masks_bytes")]);

        using var json = new MemoryStream();
        await db.Store.ExportJsonAsync([runId], json, default);
        using var doc = JsonDocument.Parse(json.ToArray());
        var run = doc.RootElement.GetProperty("runs")[0];
        Assert.Equal(128, run.GetProperty("rounds")[2].GetProperty("up").GetProperty("secaggMasks").GetInt64());
        Assert.Equal(64, run.GetProperty("clientRounds")[0].GetProperty("up").GetProperty("secaggMasks").GetInt64());
    }

    [Fact]
    public async Task FailedClient_IsAClientRoundWithItsStatusReasonAndTraffic()
    {
        using var db = await TestDatabase.CreateAsync();
        var spec = TinySpecs.FedLlm(clients: 2, rounds: 1);
        var runId = await db.Store.CreateRunAsync(spec, null, default);
        var recorder = db.Recorders.Create(runId);
        recorder.Publish(Started(runId, spec));
        PublishRound(recorder, runId, 0, 0.5, clients: 2, totalRounds: 1);
        var ok = Client(1, 0);
        recorder.Publish(new ClientRoundFinished(runId, T0, ok));
        recorder.Publish(new ClientRoundFailed(runId, T0, Failure(1, 1)));
        recorder.Publish(new RoundFinished(runId, T0.AddSeconds(1), Round(1, 0.7, [ok]), 1, null));
        recorder.Publish(new RunFinished(runId, T0.AddMinutes(1), 0.7, 0.7, 60));
        Assert.Equal(0, recorder.FailedWrites);

        var detail = (await db.Store.GetRunAsync(runId, default))!;
        Assert.Equal([0, 1], detail.ClientRounds.Select(c => c.ClientId));
        Assert.False(detail.ClientRounds[0].Failed);
        Assert.Equal(ClientRoundStatus.Ok, detail.ClientRounds[0].Status);
        var failed = detail.ClientRounds[1];
        Assert.True(failed.Failed);
        Assert.Equal(("deadline", "missed the round's 30 s deadline"), (failed.Status, failed.Reason));
        Assert.True(double.IsNaN(failed.TrainLoss));
        Assert.Equal((2000, 0L, 0.75), (failed.Down[PayloadKind.Parameters], failed.BytesUp, failed.Seconds));

        using var json = new MemoryStream();
        await db.Store.ExportJsonAsync([runId], json, default);
        using var doc = JsonDocument.Parse(json.ToArray());
        var clientRounds = doc.RootElement.GetProperty("runs")[0].GetProperty("clientRounds");
        Assert.Equal("ok", clientRounds[0].GetProperty("status").GetString());
        Assert.Equal("deadline", clientRounds[1].GetProperty("status").GetString());
        Assert.Equal("missed the round's 30 s deadline", clientRounds[1].GetProperty("reason").GetString());
    }
}
