using System.Text;
using FedLab.Data.Export;
using FedLab.Engine.Runs;
using static FedLab.Data.Tests.SyntheticEvents;

namespace FedLab.Data.Tests.Recording;

/// <summary>Client rounds leave as CSV too: a row per run, round and client, failures included, quoted by the one rule.</summary>
public sealed class ClientRoundCsvTests
{
    [Fact]
    public async Task ClientRounds_ExportAsCsvRows_WithFailuresTrafficByKindAndNamedMetrics()
    {
        using var db = await TestDatabase.CreateAsync();
        var spec = TinySpecs.FedLlm(clients: 3, rounds: 1);
        var runId = await db.Store.CreateRunAsync(spec, null, default);
        var recorder = db.Recorders.Create(runId);
        recorder.Publish(Started(runId, spec));
        PublishRound(recorder, runId, 0, 0.5, clients: 3, totalRounds: 1);
        var clients = new[]
        {
            Client(1, 0) with { Extra = new Dictionary<string, double> { ["clock.simulatedSeconds"] = 4.5 } },
            Client(1, 2),
        };
        foreach (var c in clients)
        {
            recorder.Publish(new ClientRoundFinished(runId, T0, c));
        }
        recorder.Publish(new ClientRoundFailed(runId, T0, Failure(1, 1, reason: "lost the link, then\nretried \"twice\"")));
        recorder.Publish(new RoundFinished(runId, T0.AddSeconds(1), Round(1, 0.6, clients), 1, null));
        recorder.Publish(new RunFinished(runId, T0.AddMinutes(1), 0.6, 0.6, 60));
        Assert.Equal(0, recorder.FailedWrites);

        using var csv = new MemoryStream();
        await db.Store.ExportClientCsvAsync([runId], csv, default);
        var text = Encoding.UTF8.GetString(csv.ToArray());
        var lines = text.TrimEnd('\n').Split('\n');
        var header = lines[0].Split(',');
        Assert.Equal(["run_id", "run_name", "framework", "round", "client_id", "status", "reason"], header[..7]);
        Assert.Equal("clock.simulatedSeconds", header[^1]);
        Assert.Contains("up_labels_bytes", header);
        // 3 rows, the failed client's reason quoted across its line break: 4 physical lines + header.
        Assert.Equal(5, lines.Length);
        var first = lines[1].Split(',');
        Assert.Equal(("1", "0", "ok", "4.5"), (first[3], first[4], first[5], first[^1]));
        Assert.Contains(",1,deadline,\"lost the link, then", text, StringComparison.Ordinal);
        Assert.Contains("retried \"\"twice\"\"\",", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("cr\ronly", "\"cr\ronly\"")]
    public void OneQuotingRule_QuotesCommasQuotesAndLineBreaks(string value, string expected) =>
        Assert.Equal(expected, CsvText.Quote(value));
}
