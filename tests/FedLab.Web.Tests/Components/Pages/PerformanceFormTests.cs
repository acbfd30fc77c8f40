using Bunit;
using FedLab.Web.Components.Pages;

namespace FedLab.Web.Tests.Components.Pages;

/// <summary>Issue 16's Speed panel: precision as a field, the evaluation and batching sections switched on and off and validated.</summary>
public sealed class PerformanceFormTests
{
    [Fact]
    public async Task EvaluationSwitch_AddsTheSection_AndABadValueIsShownAtItsField()
    {
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<NewRun>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#form-valid")));
        Assert.NotNull(cut.Find("[data-field='precision']"));
        Assert.DoesNotContain("\"evaluation\"", cut.Instance.Form.Draft.ToJson(), StringComparison.Ordinal);

        cut.Find("[data-section='evaluation'] input").Change(true);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-field='evaluation.everyRounds']")));
        Assert.Contains("\"evaluation\"", cut.Instance.Form.Draft.ToJson(), StringComparison.Ordinal);
        await cut.InvokeAsync(() =>
        {
            cut.Instance.Form.Draft.SetNumber("evaluation.everyRounds", 0);
            return cut.Instance.Form.Changed("evaluation.everyRounds");
        });
        cut.WaitForAssertion(() => Assert.Contains("must be between 1", cut.Find("[data-field='evaluation.everyRounds']").TextContent, StringComparison.Ordinal));

        cut.Find("[data-section='evaluation'] input").Change(false);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-field='evaluation.everyRounds']")));
        Assert.DoesNotContain("\"evaluation\"", cut.Instance.Form.Draft.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchingSwitch_AddsTheSection_WithItsGroupLimit()
    {
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<NewRun>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#form-valid")));
        cut.Find("[data-section='clientBatching'] input").Change(true);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-field='clientBatching.maxClientsPerGroup']")));
        Assert.Contains("\"maxClientsPerGroup\": 8", cut.Instance.Form.Draft.ToJson(), StringComparison.Ordinal);
        cut.WaitForAssertion(() => Assert.True(cut.FindAll("#form-valid").Count > 0, cut.FindAll("#form-errors").FirstOrDefault()?.TextContent + cut.Instance.Form.Draft.ToJson()));
    }
}
