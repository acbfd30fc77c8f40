using FedLab.Engine.Runs;
using FedLab.Web.Cli;

namespace FedLab.Web.Tests.Cli;

public sealed class CompareRowTests
{
    private const string SpecJson = """
        { "model": "tiny", "dataset": { "name": "spam" }, "partition": { "kind": "iid", "clients": 2 },
          "framework": "fedllm", "training": { "rounds": 3, "localSteps": 1 }, "seed": 1 }
        """;

    private static readonly Dictionary<PayloadKind, long> None = [];

    private static ClientRoundMetrics Client(int round, int client, long bytes, double flops, double seconds) =>
        new(round, client, 16, 1, 0.5, bytes, bytes, new Dictionary<PayloadKind, long> { [PayloadKind.Parameters] = bytes },
            new Dictionary<PayloadKind, long> { [PayloadKind.Parameters] = bytes }, flops, seconds);

    private static RoundMetrics Round(int round, double accuracy) =>
        new(round, new EvalMetrics(accuracy, accuracy, 0.3, 100), 2, 0, 0, None, None, 0, 0, 0, 0, 0, null);

    [Fact]
    public void PerClientFigures_AreRunTotalsOverCompletedRounds_DividedByTheClients()
    {
        var spec = RunSpecJson.Parse(SpecJson);
        var info = new RunInfo("cpu", "m", 100, 10, 40, 50, 100, 10, ["a", "b"], [], "test");
        var result = new RunResult(Guid.NewGuid(), spec, info, RunStatus.Cancelled,
            [Round(0, 0.5), Round(1, 0.8), Round(2, 0.7)],
            [
                Client(1, 0, 1_000_000, 1e12, 2), Client(1, 1, 1_000_000, 1e12, 2),
                Client(2, 0, 3_000_000, 3e12, 4), Client(2, 1, 3_000_000, 3e12, 4),
                Client(3, 0, 9_000_000, 9e12, 9), // round 3 never finished
            ],
            null, 12.5);
        var row = CompareRow.From("x", result);
        Assert.Equal(2, row.CompletedRounds);
        Assert.Equal(0.7, row.BestAccuracy); // no validation metrics: the best round is the final one, never chosen on test
        Assert.Equal(0.7, row.FinalAccuracy);
        Assert.Equal(4.0, row.MbUpPerClient, 9);        // (1 + 1 + 3 + 3) MB / 2 clients
        Assert.Equal(4.0, row.MbDownPerClient, 9);
        Assert.Equal(4.0, row.MbPerRoundPerClient, 9);  // 16 MB / 2 clients / 2 rounds
        Assert.Equal(4.0, row.ClientTflopsPerClient, 9);
        Assert.Equal(6.0, row.ClientSecondsPerClient, 9);
        Assert.Equal(12.5, row.WallSeconds);
    }

    [Fact]
    public void GenerativeRun_IsLabelledExactMatch_InTheTableAndTheCsv()
    {
        var classification = RunSpecJson.Parse(SpecJson);
        var generative = RunSpecJson.Parse(SpecJson.Replace("\"model\": \"tiny\", \"dataset\": { \"name\": \"spam\" }",
            "\"model\": \"tiny-llama\", \"dataset\": { \"name\": \"spam-yesno\" }, \"task\": { \"kind\": \"generative\" }", StringComparison.Ordinal));
        var info = new RunInfo("cpu", "m", 100, 10, 40, 50, 100, 10, ["a", "b"], [], "test");
        CompareRow Row(string label, RunSpec spec) =>
            CompareRow.From(label, new RunResult(Guid.NewGuid(), spec, info, RunStatus.Finished, [Round(0, 0.5), Round(1, 0.6)], [Client(1, 0, 10, 1, 1)], null, 1));
        var rows = new[] { Row("classifier", classification), Row("decoder", generative) };
        Assert.Equal(["accuracy", "exact match"], rows.Select(r => r.AccuracyMetric));

        var table = new StringWriter();
        CompareReport.WriteTable(table, rows);
        var lines = table.ToString().Split('\n');
        Assert.Contains("0.6000* ", lines.Single(l => l.StartsWith("decoder", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.DoesNotContain("*", lines.Single(l => l.StartsWith("classifier", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("* a generative run", StringComparison.Ordinal));

        var csv = CompareReport.Csv(rows).Split('\n');
        Assert.EndsWith(",accuracy_metric", csv[0].TrimEnd(), StringComparison.Ordinal);
        Assert.EndsWith(",exact match", csv[2].TrimEnd(), StringComparison.Ordinal);
    }
}
