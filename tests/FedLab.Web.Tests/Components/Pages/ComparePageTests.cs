using Bunit;
using FedLab.Engine.Runs;
using FedLab.Web.Components.Pages;
using FedLab.Web.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace FedLab.Web.Tests.Components.Pages;

/// <summary>The compare page: overlays, cost to target, spec diff; and it follows runs that are still training.</summary>
public sealed class ComparePageTests
{
    [Fact]
    public async Task TwoRuns_OverlaidWithCostToTargetAndSpecDiff_AndARoundOfARunningOneRedraws()
    {
        await using var ctx = new DashboardTestContext();
        var done = await SyntheticRun.RecordAsync(ctx.Store, ctx.Recorders, 6, 3, "done", CancellationToken.None);
        var spec = SyntheticRun.Spec(rounds: 8, clients: 3, name: "training") with { Seed = 7 };
        var running = await ctx.Store.CreateRunAsync(spec, null, CancellationToken.None);
        var recorder = ctx.Recorders.Create(running);
        var events = SyntheticRun.Events(running, spec, stopAfter: 3).ToList();
        int split = events.FindLastIndex(e => e is RoundFinished { Metrics.Round: 2 }) + 1;
        foreach (var e in events.Take(split))
        {
            recorder.Publish(e);
        }

        ctx.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>()
            .NavigateTo($"/compare?ids={done},{running}&target=60");
        var cut = ctx.Render<Compare>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("#compare-table tbody tr").Count), TimeSpan.FromSeconds(5));
        var diff = cut.Find("#spec-diff").TextContent;
        Assert.Contains("training.rounds", diff, StringComparison.Ordinal);
        Assert.Contains("seed", diff, StringComparison.Ordinal);
        Assert.DoesNotContain("dataset.maxTokens", diff, StringComparison.Ordinal);
        // Four overlays: accuracy against round, MB, client TFLOPs and simulated time (the studies' what-if).
        cut.WaitForAssertion(() => Assert.Equal(4, ctx.Calls("newPlot").Count), TimeSpan.FromSeconds(5));

        foreach (var e in events.Skip(split))
        {
            recorder.Publish(e);
            ctx.Broadcaster.Publish(e);
        }

        // The compared selection is re-read and the overlays redrawn (a new figure, not a live extension).
        cut.WaitForAssertion(() => Assert.Contains(ctx.Calls("react"), c => Equals(c.Arguments[0], "compare-rounds")), TimeSpan.FromSeconds(10));
        cut.WaitForAssertion(() => Assert.Contains("3/8", cut.Find("#compare-table").TextContent, StringComparison.Ordinal));
    }

    /// <summary>Issue 15: the compare table sets privacy levels and dropout side by side (ε after the last round, completion).</summary>
    [Fact]
    public async Task PrivacyAndCompletion_HaveTheirColumn()
    {
        await using var ctx = new DashboardTestContext();
        var plain = await SyntheticRun.RecordAsync(ctx.Store, ctx.Recorders, 3, 3, "perfect clients", CancellationToken.None);
        var spec = SyntheticRun.Spec(rounds: 3, clients: 3, name: "dp and dropout");
        var realistic = await ctx.Store.CreateRunAsync(spec, null, CancellationToken.None);
        var recorder = ctx.Recorders.Create(realistic);
        foreach (var e in SyntheticRun.Events(realistic, spec, stopAfter: null))
        {
            recorder.Publish(e is RoundFinished { Metrics.Round: > 0 } f
                ? f with { Metrics = f.Metrics with { Extra = new Dictionary<string, double> { ["privacy.epsilon"] = 2.5 * f.Metrics.Round, ["availability.completion"] = f.Metrics.Round == 2 ? 0.5 : 1.0 } } }
                : e);
        }
        ctx.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo($"/compare?ids={plain},{realistic}");
        var cut = ctx.Render<Compare>();
        cut.WaitForAssertion(() => Assert.Equal("ε 7.50 · 83.3 % completing", cut.Find($"[data-realism='{realistic}']").TextContent.Trim()), TimeSpan.FromSeconds(5));
        Assert.Equal("–", cut.Find($"[data-realism='{plain}']").TextContent.Trim());
    }

    [Fact]
    public void ShortNames_DropTheExperimentsSharedBase()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        Assert.Equal(["FedLLM", "KD-FedLLM"], Compare.ShortNames([(a, "cmp · spam · FedLLM"), (b, "cmp · spam · KD-FedLLM")]).Select(r => r.Name));
        Assert.Equal(["x", "y"], Compare.ShortNames([(a, "x"), (b, "y")]).Select(r => r.Name));
        Assert.Equal(["base · A", "other · B"], Compare.ShortNames([(a, "base · A"), (b, "other · B")]).Select(r => r.Name));
    }
}
