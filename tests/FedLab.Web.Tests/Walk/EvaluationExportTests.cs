using System.Text;
using System.Text.Json;
using FedLab.Web.Tests.Components;

namespace FedLab.Web.Tests.Walk;

/// <summary>The exports carry the imbalance metrics, the confusion matrix, the accuracy source, the best round and the baseline.</summary>
public sealed class EvaluationExportTests
{
    [Fact]
    public async Task Csv_HasTheBaselineTheSourceAndTheImbalanceMetrics()
    {
        await using var ctx = new DashboardTestContext();
        var flat = await EvaluatedRuns.MajorityPredictorAsync(ctx.Store, ctx.Recorders, "majority only", framework: "kd");
        using var output = new MemoryStream();
        await ctx.Store.ExportCsvAsync([flat], output, CancellationToken.None);
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',').ToList();
        string Cell(int row, string column) => CsvFields(lines[row])[header.IndexOf(column)];
        foreach (var column in (string[])["accuracy_source", "best_round", "best_round_chosen_on", "majority_baseline_accuracy", "baseline_warning",
            "test.balancedAccuracy", "test.auprc", "test.f1.0", "test.confusion.1.1", "validation.accuracy", "test.classCount.1"])
        {
            Assert.Contains(column, header);
        }
        Assert.Equal("mean of the clients' own models", Cell(1, "accuracy_source"));
        Assert.Equal("1", Cell(1, "best_round"));
        Assert.Equal("validation accuracy", Cell(1, "best_round_chosen_on"));
        Assert.Equal(275.0 / 300, double.Parse(Cell(1, "majority_baseline_accuracy"), System.Globalization.CultureInfo.InvariantCulture), 12);
        Assert.Contains("majority class", Cell(1, "baseline_warning"), StringComparison.Ordinal);
        Assert.Equal("0.5", Cell(2, "test.balancedAccuracy"));
        Assert.Equal("275", Cell(2, "test.confusion.1.1"));
    }

    [Fact]
    public async Task Json_HasAnEvaluationObjectPerRun()
    {
        await using var ctx = new DashboardTestContext();
        var good = await EvaluatedRuns.LearnerAsync(ctx.Store, ctx.Recorders, "learner");
        using var output = new MemoryStream();
        await ctx.Store.ExportJsonAsync([good], output, CancellationToken.None);
        using var doc = JsonDocument.Parse(output.ToArray());
        var run = doc.RootElement.GetProperty("runs")[0];
        var evaluation = run.GetProperty("evaluation");
        Assert.Equal("global model", evaluation.GetProperty("accuracySource").GetString());
        Assert.Equal(4, evaluation.GetProperty("bestRound").GetInt32());
        Assert.Equal(JsonValueKind.Null, evaluation.GetProperty("baselineWarning").ValueKind);
        Assert.Equal(275.0 / 300, evaluation.GetProperty("majorityBaselineAccuracy").GetDouble(), 12);
        Assert.Equal("finished", run.GetProperty("summary").GetProperty("status").GetString());
        Assert.True(run.GetProperty("rounds")[1].GetProperty("extra").TryGetProperty("test.confusion.0.0", out _));
    }

    private static List<string> CsvFields(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                else if (c == '"') { quoted = false; }
                else { current.Append(c); }
            }
            else if (c == '"') { quoted = true; }
            else if (c == ',') { fields.Add(current.ToString()); current.Clear(); }
            else { current.Append(c); }
        }
        fields.Add(current.ToString());
        return fields;
    }
}
