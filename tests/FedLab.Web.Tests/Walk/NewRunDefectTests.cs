using Bunit;
using FedLab.Web.Components.Pages;
using FedLab.Web.Specs;
using FedLab.Web.Tests.Components;

namespace FedLab.Web.Tests.Walk;

/// <summary>Defects of the first-use walk in the New run form.</summary>
public sealed class NewRunDefectTests
{
    [Fact]
    public async Task FractionalClients_SaysAWholeNumberIsNeeded_AtTheField_WithoutAJsonLine()
    {
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<NewRun>();
        cut.Find("[data-field='partition.clients'] input").Change("2.5");
        cut.WaitForAssertion(() => Assert.Contains("must be a whole number", cut.Find("[data-field='partition.clients']").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.DoesNotContain("(line", cut.Find("[data-field='partition.clients']").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong type", cut.Find("[data-field='partition.clients']").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ANewDataset_DoesNotInheritTheDemosLimits()
    {
        var draft = SpecDraft.From(Presets.QuickDemo);
        var said = NewRun.AdoptDataset(draft, "/data/news.csv");
        var spec = FedLab.Engine.Runs.RunSpecJson.Parse(draft.ToJson());
        Assert.Equal("/data/news.csv", spec.Dataset.Name);
        Assert.Null(spec.Dataset.TrainLimit);
        Assert.Null(spec.Dataset.TestLimit);
        Assert.Equal(64, spec.Dataset.MaxTokens);
        Assert.Contains("train limit 1200, test limit 300, max tokens 48", said, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Presets_KeepTheChosenDataset_AndCompareAllTicksTheCentralizedReference()
    {
        Assert.Contains("centralized", NewRun.CompareAllFrameworks);
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<NewRun>();
        await cut.InvokeAsync(() =>
        {
            cut.Instance.Form.Draft.SetString("dataset.name", "fortunes");
            return cut.Instance.Form.Changed("dataset.name");
        });
        Assert.Equal("fortunes", cut.Instance.Form.Draft.GetString("dataset.name"));
        cut.Find("#preset-compare").Click();
        cut.WaitForAssertion(() => Assert.Equal("fortunes", cut.Instance.Form.Draft.GetString("dataset.name")), TimeSpan.FromSeconds(15));
        Assert.Contains("Start experiment (4 runs)", cut.Markup, StringComparison.Ordinal);
        cut.Find("#preset-quick").Click();
        cut.WaitForAssertion(() => Assert.Equal("fortunes", cut.Instance.Form.Draft.GetString("dataset.name")), TimeSpan.FromSeconds(15));
    }
}
