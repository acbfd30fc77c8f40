using FedLab.Engine.Runs;
using static FedLab.Data.Tests.SyntheticEvents;

namespace FedLab.Data.Tests.Queries;

/// <summary>The store chooses the best round on the validation split (never round 0) and reports the majority baseline.</summary>
public sealed class ValidationSelectionStoreTests
{
    // Test accuracy peaks in round 3; validation accuracy peaks in round 2, and round 0 has the highest validation of all.
    private static readonly double[] Test = [0.55, 0.60, 0.70, 0.95, 0.80];
    private static readonly double[] Validation = [0.99, 0.50, 0.90, 0.70, 0.85];

    private static async Task<Guid> RecordAsync(TestDatabase db, int[] testCounts, double[] test, double[]? validation)
    {
        var spec = TinySpecs.FedLlm(clients: 2, rounds: test.Length - 1);
        var id = await db.Store.CreateRunAsync(spec, null, default);
        var recorder = db.Recorders.Create(id);
        recorder.Publish(Started(id, spec));
        for (int r = 0; r < test.Length; r++)
        {
            var clients = r == 0 ? [] : Enumerable.Range(0, 2).Select(c => Client(r, c)).ToList();
            foreach (var c in clients)
            {
                recorder.Publish(new ClientRoundFinished(id, T0, c));
            }
            var extra = new Dictionary<string, double> { [EvaluationExtras.TestBalancedAccuracy] = test[r] - 0.2 };
            if (validation is not null)
            {
                extra[EvaluationExtras.ValidationAccuracy] = validation[r];
            }
            if (r == 0)
            {
                for (int c = 0; c < testCounts.Length; c++)
                {
                    extra[EvaluationExtras.ClassCount("test", c)] = testCounts[c];
                }
            }
            var round = Round(r, test[r], clients) with { Extra = extra };
            recorder.Publish(new RoundFinished(id, T0.AddSeconds(r), round, test.Length - 1, null));
        }
        recorder.Publish(new RunFinished(id, T0.AddMinutes(1), 0, test[^1], 60));
        return id;
    }

    [Fact]
    public async Task BestRound_IsChosenOnValidation_NotOnTest_AndNeverRoundZero()
    {
        using var db = await TestDatabase.CreateAsync();
        var id = await RecordAsync(db, [30, 10], Test, Validation);

        var row = (await db.Store.GetRunAsync(id, default))!.Summary;
        Assert.Equal((0.70, 2), (row.BestAccuracy, row.BestRound)); // not 0.95 (round 3, best on test) nor round 0

        var summary = Assert.Single(await db.Store.GetSummariesAsync([id], 0.9, default));
        Assert.Equal("validation", summary.Selection);
        Assert.Equal((0.70, 2), (summary.Accuracy.Best, summary.Accuracy.BestRound));
        Assert.Equal(0.90, summary.ValidationAccuracy);
        Assert.Equal(0.50, summary.BalancedAccuracy.Best, 12);
        Assert.Equal(0.95, summary.Accuracy.Max); // still there as the maximum, just not called best
        Assert.Equal(3, summary.CostToTarget!.Round);

        var series = Assert.Single(await db.Store.GetSeriesAsync([id], default));
        Assert.Equal(Validation.Select(v => (double?)v), series.ValidationAccuracy);
    }

    [Fact]
    public async Task MajorityBaseline_ComesFromRoundZerosClassCounts_AndARunAtItIsFlagged()
    {
        using var db = await TestDatabase.CreateAsync();
        // 275 of 300 test examples in one class; the run predicts that class: accuracy 0.9167 every round.
        double p = 275.0 / 300;
        var flat = await RecordAsync(db, [25, 275], [p, p, p], [p, p, p]);
        var summary = Assert.Single(await db.Store.GetSummariesAsync([flat], null, 0.9, default));
        Assert.NotNull(summary.Baseline);
        Assert.Equal(p, summary.Baseline!.Accuracy, 12);
        Assert.Contains("majority class", summary.BaselineWarning, StringComparison.Ordinal);
        Assert.Null(summary.CostToMacroF1Target); // macro-F1 is accuracy - 0.1 here: never 0.9
        Assert.True(summary.Baseline.DefaultTarget > p);

        var good = await RecordAsync(db, [25, 275], [p, 0.96, 0.99], [p, 0.95, 0.98]);
        var goodSummary = Assert.Single(await db.Store.GetSummariesAsync([good], null, 0.88, default));
        Assert.Null(goodSummary.BaselineWarning);
        Assert.Equal(2, goodSummary.CostToMacroF1Target!.Round);
    }
}
