using Bunit;
using FedLab.Engine.Runs;
using FedLab.Web.Components.Pages;
using FedLab.Web.Diagnostics;

namespace FedLab.Web.Tests.Components.Pages;

/// <summary>Issue #10 item 4: a diverged run's page shows why it failed, with its NaN round drawn as a gap, live and from the store.</summary>
public sealed class DivergedRunPageTests
{
    [Fact]
    public async Task DivergedRun_ShowsTheReason_AndItsNaNRound_AsAGap()
    {
        await using var ctx = new DashboardTestContext();
        var spec = SyntheticRun.Spec(rounds: 6, clients: 3, name: "diverged page");
        var id = await ctx.Store.CreateRunAsync(spec, null, CancellationToken.None);
        var recorder = ctx.Recorders.Create(id);
        var events = SyntheticRun.Events(id, spec, stopAfter: 3).ToList();
        int live = events.FindIndex(e => e is RoundFinished { Metrics.Round: 3 });
        foreach (var e in events.Take(live))
        {
            recorder.Publish(e);
        }
        var cut = ctx.Render<RunDetail>(p => p.Add(c => c.RunId, id));
        cut.WaitForAssertion(() => Assert.Contains(ctx.Calls("newPlot"), c => Equals(c.Arguments[0], "chart-loss")), TimeSpan.FromSeconds(5));

        // Round 3 diverges: recorded, published live, then the run fails saying so.
        var nan = (RoundFinished)events[live];
        nan = nan with { Metrics = nan.Metrics with { Global = nan.Metrics.Global with { Loss = double.NaN }, TrainLoss = double.NaN } };
        const string reason = "diverged: the evaluation loss was NaN in round 3 (lower the learning rate)";
        foreach (var e in (RunEvent[])[nan, new RunFailed(id, nan.Timestamp, reason)])
        {
            recorder.Publish(e);
            ctx.Broadcaster.Publish(e);
        }

        cut.WaitForAssertion(() => Assert.Contains(reason, cut.Markup, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        var extend = Assert.Single(ctx.Calls("extendTraces"), c => Equals(c.Arguments[0], "chart-loss"));
        var ys = ((IEnumerable<IEnumerable<object>>)extend.Arguments[2]!).SelectMany(y => y).ToList();
        Assert.DoesNotContain(ys, y => y is double d && !double.IsFinite(d)); // NaN cannot cross JS interop; a gap can

        // Opened again later, from the store: the same.
        var again = ctx.Render<RunDetail>(p => p.Add(c => c.RunId, id));
        again.WaitForAssertion(() => Assert.Contains(reason, again.Markup, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
    }
}
