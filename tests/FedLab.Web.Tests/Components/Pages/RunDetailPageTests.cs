using Bunit;
using FedLab.Engine.Runs;
using FedLab.Web.Components.Pages;
using FedLab.Web.Diagnostics;

namespace FedLab.Web.Tests.Components.Pages;

/// <summary>The run page draws the stored rounds once and extends its charts when a live round arrives.</summary>
public sealed class RunDetailPageTests
{
    [Fact]
    public async Task LiveRound_ExtendsEveryChart_WithoutRedrawing()
    {
        await using var ctx = new DashboardTestContext();
        var spec = SyntheticRun.Spec(rounds: 10, clients: 4, name: "live page");
        var id = await ctx.Store.CreateRunAsync(spec, null, CancellationToken.None);
        var recorder = ctx.Recorders.Create(id);
        var events = SyntheticRun.Events(id, spec, stopAfter: 4).ToList();
        int splitAt = events.FindLastIndex(e => e is RoundFinished { Metrics.Round: 3 }) + 1;
        foreach (var e in events.Take(splitAt))
        {
            recorder.Publish(e);
        }

        var cut = ctx.Render<RunDetail>(p => p.Add(c => c.RunId, id));
        cut.WaitForAssertion(() => Assert.Contains(ctx.Calls("newPlot"), c => Equals(c.Arguments[0], "chart-accuracy")), TimeSpan.FromSeconds(5));
        Assert.Equal("3/10", cut.Find("[data-rounds]").TextContent.Trim());

        // Round 4 as the hosted engine delivers it: recorded first, then published to the page.
        foreach (var e in events.Skip(splitAt))
        {
            recorder.Publish(e);
            ctx.Broadcaster.Publish(e);
        }

        cut.WaitForAssertion(() =>
        {
            var extend = Assert.Single(ctx.Calls("extendTraces"), c => Equals(c.Arguments[0], "chart-accuracy"));
            var xs = ((IEnumerable<IEnumerable<object>>)extend.Arguments[1]!).First();
            Assert.Equal([4], xs.Cast<int>());
        }, TimeSpan.FromSeconds(5));
        foreach (var chart in (string[])["chart-loss", "chart-compute", "chart-traffic"])
        {
            Assert.Contains(ctx.Calls("extendTraces"), c => Equals(c.Arguments[0], chart));
        }
        var row = Assert.Single(ctx.Calls("fedlab.heatmap.append"), c => Equals(c.Arguments[0], "chart-heatmap"));
        Assert.Single(ctx.Calls("newPlot"), c => Equals(c.Arguments[0], "chart-accuracy"));
        Assert.Empty(ctx.Calls("react"));
        cut.WaitForAssertion(() => Assert.Equal("4/10", cut.Find("[data-rounds]").TextContent.Trim()));
    }

    [Fact]
    public async Task UnknownRun_SaysSo()
    {
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<RunDetail>(p => p.Add(c => c.RunId, Guid.NewGuid()));
        cut.WaitForAssertion(() => Assert.Contains("There is no run", cut.Markup, StringComparison.Ordinal));
    }
}
