using Bunit;
using FedLab.Data;
using FedLab.Web.Components.Pages;
using FedLab.Web.Diagnostics;

namespace FedLab.Web.Tests.Components.Pages;

/// <summary>The run list pages and filters on the server (RunStore.ListRunsAsync), not in the browser.</summary>
public sealed class RunsPageTests
{
    [Fact]
    public async Task SearchAndStatusFilter_NarrowTheRows()
    {
        await using var ctx = new DashboardTestContext();
        var alpha = await SyntheticRun.RecordAsync(ctx.Store, ctx.Recorders, 3, 2, "alpha run", CancellationToken.None);
        var beta = await SyntheticRun.RecordAsync(ctx.Store, ctx.Recorders, 3, 2, "beta run", CancellationToken.None);
        var queued = await ctx.Store.CreateRunAsync(SyntheticRun.Spec(3, 2, "gamma waiting"), null, CancellationToken.None);

        var cut = ctx.Render<Runs>();
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-run-link]").Count), TimeSpan.FromSeconds(5));

        cut.Find("input").Input("beta");
        cut.WaitForAssertion(() =>
        {
            var links = cut.FindAll("[data-run-link]");
            Assert.Equal([beta.ToString()], links.Select(l => l.GetAttribute("data-run-link")));
        }, TimeSpan.FromSeconds(5));
        Assert.Equal("beta", cut.Instance.LastQuery?.Text);
        Assert.Equal(25, cut.Instance.LastQuery?.PageSize);

        cut.Find("input").Input("");
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-run-link]").Count), TimeSpan.FromSeconds(5));
        Assert.Contains(cut.FindAll("[data-status]"), s => s.TextContent == "queued");
        Assert.NotEqual(alpha, queued);
    }

    [Fact]
    public async Task SelectingRuns_BuildsTheCompareLink()
    {
        await using var ctx = new DashboardTestContext();
        var a = await SyntheticRun.RecordAsync(ctx.Store, ctx.Recorders, 2, 2, "a", CancellationToken.None);
        var b = await SyntheticRun.RecordAsync(ctx.Store, ctx.Recorders, 2, 2, "b", CancellationToken.None);
        var cut = ctx.Render<Runs>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-run-link]").Count), TimeSpan.FromSeconds(5));

        foreach (var id in new[] { a, b })
        {
            // The table may still be re-rendering its server data, which replaces the boxes: tick the current
            // box (ticking is idempotent) until the selection shows in the link.
            cut.WaitForAssertion(() =>
            {
                var box = cut.Find($"[data-run-select='{id}']");
                (box.TagName == "INPUT" ? box : box.QuerySelector("input")!).Change(true);
                Assert.Contains(id.ToString(), cut.Find("#compare-selected").GetAttribute("href"), StringComparison.Ordinal);
            }, TimeSpan.FromSeconds(5));
        }

        var href = cut.Find("#compare-selected").GetAttribute("href");
        Assert.Contains(a.ToString(), href, StringComparison.Ordinal);
        Assert.Contains(b.ToString(), href, StringComparison.Ordinal);
    }
}
