using Bunit;
using FedLab.Web.Components.Pages;
using FedLab.Web.Tests.Components;
using Microsoft.Extensions.DependencyInjection;

namespace FedLab.Web.Tests.Walk;

/// <summary>
/// The case on the pages: a run that predicts only the majority class is shown with its baseline and flagged;
/// the default target lies above the baseline; the best round is chosen on validation; every accuracy series says
/// what model produced it.
/// </summary>
public sealed class BaselinePageTests
{
    [Fact]
    public async Task RunPage_ShowsTheBaseline_FlagsAMajorityPredictor_AndShowsTheConfusionMatrix()
    {
        await using var ctx = new DashboardTestContext();
        var id = await EvaluatedRuns.MajorityPredictorAsync(ctx.Store, ctx.Recorders, "majority only");
        var cut = ctx.Render<RunDetail>(p => p.Add(c => c.RunId, id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#baseline-warning")), TimeSpan.FromSeconds(5));
        Assert.Contains("always predicting “other”", cut.Find("#baseline-warning").TextContent, StringComparison.Ordinal);
        Assert.Equal("91.7 %", cut.Find("#stat-baseline h6").TextContent.Trim());
        Assert.Contains("91.7 % ± 1.6 %", cut.Find("[data-row='baseline']").TextContent, StringComparison.Ordinal);
        // Balanced accuracy 50%, the minority's F1 0, AUPRC of the minority class.
        Assert.Contains("50.0 %", cut.Find("[data-row='test-selected']").TextContent, StringComparison.Ordinal);
        Assert.Equal("25", cut.Find("#confusion-matrix [data-cell='0-1']").TextContent.Trim());
        Assert.Equal("275", cut.Find("#confusion-matrix [data-cell='1-1']").TextContent.Trim());
        Assert.Contains("business", cut.Find("#per-class").TextContent, StringComparison.Ordinal);
        Assert.Contains("AUPRC (business)", cut.Find("#evaluation-table").TextContent, StringComparison.Ordinal);
        var balance = cut.Find("#split-balance").TextContent;
        Assert.Contains("validation", balance, StringComparison.Ordinal);
        Assert.Contains("275 (91.7 %)", balance, StringComparison.Ordinal);
        // The validation round is reported, not the test's best: validation is flat here, so the earliest trained round.
        Assert.Contains("round 1", cut.Find("#selection-note").TextContent, StringComparison.Ordinal);
        // Honest labels: the chart's series name their split and model.
        var traces = System.Text.Json.JsonSerializer.SerializeToElement(ctx.Calls("newPlot").First(c => Equals(c.Arguments[0], "chart-accuracy")).Arguments[1]);
        var names = traces.EnumerateArray().Select(t => t.GetProperty("name").GetString()).ToList();
        Assert.Contains("accuracy (test; global model)", names);
        Assert.Contains("accuracy (validation; global model)", names);
        Assert.Contains(names, n => n!.StartsWith("majority baseline (test", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunPage_OfALearner_HasNoWarning_AndNamesTheRoundChosenOnValidation()
    {
        await using var ctx = new DashboardTestContext();
        var id = await EvaluatedRuns.LearnerAsync(ctx.Store, ctx.Recorders, "learner");
        var cut = ctx.Render<RunDetail>(p => p.Add(c => c.RunId, id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#evaluation-panel")), TimeSpan.FromSeconds(5));
        Assert.Empty(cut.FindAll("#baseline-warning"));
        Assert.Contains("round 4, chosen on validation accuracy", cut.Find("#stat-best").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KdConsensusRunPage_LabelsItsSeriesAsTheMeanOfTheClientsOwnModels()
    {
        await using var ctx = new DashboardTestContext();
        var id = await EvaluatedRuns.LearnerAsync(ctx.Store, ctx.Recorders, "kd", framework: "kd");
        var cut = ctx.Render<RunDetail>(p => p.Add(c => c.RunId, id));
        cut.WaitForAssertion(() => Assert.Contains(ctx.Calls("newPlot"), c => Equals(c.Arguments[0], "chart-accuracy")), TimeSpan.FromSeconds(5));
        Assert.Contains("Accuracy per round: mean of the clients' own models", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("Global model on the test split", cut.Markup, StringComparison.Ordinal);
        var traces = System.Text.Json.JsonSerializer.SerializeToElement(ctx.Calls("newPlot").First(c => Equals(c.Arguments[0], "chart-accuracy")).Arguments[1]);
        Assert.Contains("accuracy (test; mean of the clients' own models)", traces.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Contains("pooled over the clients' own models", cut.Find("#evaluation-panel").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComparePage_FlagsTheMajorityPredictor_SetsTheTargetAboveTheBaseline_AndMarksKdConsensus()
    {
        await using var ctx = new DashboardTestContext();
        var flat = await EvaluatedRuns.MajorityPredictorAsync(ctx.Store, ctx.Recorders, "cmp · FedLLM");
        var good = await EvaluatedRuns.LearnerAsync(ctx.Store, ctx.Recorders, "cmp · Centralized", framework: "centralized");
        var kd = await EvaluatedRuns.LearnerAsync(ctx.Store, ctx.Recorders, "cmp · KD-FedLLM", framework: "kd");
        ctx.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo($"/compare?ids={flat},{good},{kd}");
        var cut = ctx.Render<Compare>();
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("#compare-table tbody tr").Count), TimeSpan.FromSeconds(5));

        Assert.NotNull(cut.Find($"[data-baseline-warning='{flat}']"));
        Assert.Empty(cut.FindAll($"[data-baseline-warning='{good}']"));
        Assert.Contains("91.7 % / 0.478", cut.Find($"[data-baseline='{flat}']").TextContent, StringComparison.Ordinal);
        // Default target: halfway between the baseline (91.67%) and 100%, so nobody "reaches" it by predicting one class.
        var target = double.Parse(cut.Find("#target-accuracy").GetAttribute("value")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(95.9, target);
        Assert.NotNull(cut.Find($"[data-not-reached='{flat}']"));
        Assert.Contains("mean of the clients' own models (a different kind of series", cut.Find($"[data-source='{kd}']").TextContent, StringComparison.Ordinal);
        Assert.Contains("centrally trained model", cut.Find($"[data-source='{good}']").TextContent, StringComparison.Ordinal);
        // The overlay: the KD line is dashed and named by its model; the baseline is a reference line.
        var traces = System.Text.Json.JsonSerializer.SerializeToElement(ctx.Calls("newPlot").First(c => Equals(c.Arguments[0], "compare-rounds")).Arguments[1]).EnumerateArray().ToList();
        var kdTrace = traces.Single(t => t.GetProperty("name").GetString()!.Contains("mean of the clients' own models", StringComparison.Ordinal));
        Assert.Equal("dash", kdTrace.GetProperty("line").GetProperty("dash").GetString());
        Assert.Contains(traces, t => t.GetProperty("name").GetString()!.StartsWith("majority baseline (test, n=300)", StringComparison.Ordinal));
    }
}
