using System.Text.Json;
using Bunit;
using FedLab.Engine.Runs;
using FedLab.Web.Components.Pages;
using FedLab.Web.Diagnostics;
using Microsoft.JSInterop;

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
    public async Task FailedChartCall_RedrawsFromTheStore_AndTheStatusStillArrives()
    {
        await using var ctx = new DashboardTestContext();
        ctx.JSInterop.SetupVoid("fedlab.heatmap.append", _ => true).SetException(new JSException("heatmap gone"));
        var spec = SyntheticRun.Spec(rounds: 4, clients: 3, name: "chart failure");
        var id = await ctx.Store.CreateRunAsync(spec, null, CancellationToken.None);
        var recorder = ctx.Recorders.Create(id);
        var events = SyntheticRun.Events(id, spec, stopAfter: 4).ToList();
        int splitAt = events.FindLastIndex(e => e is RoundFinished { Metrics.Round: 2 }) + 1;
        foreach (var e in events.Take(splitAt))
        {
            recorder.Publish(e);
        }
        var cut = ctx.Render<RunDetail>(p => p.Add(c => c.RunId, id));
        cut.WaitForAssertion(() => Assert.Contains(ctx.Calls("newPlot"), c => Equals(c.Arguments[0], "chart-accuracy")), TimeSpan.FromSeconds(5));

        // The last rounds and the end of the run; extending the heatmap fails in the browser.
        foreach (var e in events.Skip(splitAt).Append(new RunFinished(id, DateTimeOffset.UtcNow, 0.9, 0.9, 1.0)))
        {
            recorder.Publish(e);
            ctx.Broadcaster.Publish(e);
        }

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("finished", cut.Find("[data-status]").GetAttribute("data-status"));
            Assert.Equal("4/4", cut.Find("[data-rounds]").TextContent.Trim());
        }, TimeSpan.FromSeconds(5));
        // Redrawn from the store (a second first draw), not left half-extended.
        cut.WaitForAssertion(() => Assert.True(ctx.Calls("newPlot").Count(c => Equals(c.Arguments[0], "chart-accuracy")) >= 2), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task FailedClient_IsMarkedOnTheHeatmap_FromTheStoreAndLive()
    {
        await using var ctx = new DashboardTestContext();
        var spec = SyntheticRun.Spec(rounds: 4, clients: 3, name: "failed client");
        var id = await ctx.Store.CreateRunAsync(spec, null, CancellationToken.None);
        var recorder = ctx.Recorders.Create(id);
        // Client 2 misses the deadline in rounds 1 and 3 (a failure instead of its result).
        var events = SyntheticRun.Events(id, spec, stopAfter: 3).Select(e => e is ClientRoundFinished { Metrics: { ClientId: 2, Round: 1 or 3 } m }
            ? new ClientRoundFailed(id, e.Timestamp, new ClientFailure(m.Round, 2, ClientFailureKinds.Deadline, "missed the 30 s deadline",
                new Dictionary<PayloadKind, long> { [PayloadKind.Parameters] = 40_000 }, new Dictionary<PayloadKind, long>(), 30))
            : e).ToList();
        int splitAt = events.FindLastIndex(e => e is RoundFinished { Metrics.Round: 2 }) + 1;
        foreach (var e in events.Take(splitAt))
        {
            recorder.Publish(e);
        }
        var stored = (await ctx.Store.GetRunAsync(id, CancellationToken.None))!.ClientRounds.Single(c => c is { Round: 1, ClientId: 2 });
        Assert.Equal(("deadline", "missed the 30 s deadline"), (stored.Status, stored.Reason));

        var cut = ctx.Render<RunDetail>(p => p.Add(c => c.RunId, id));
        cut.WaitForAssertion(() => Assert.Single(ctx.Calls("fedlab.heatmap.draw")), TimeSpan.FromSeconds(5));
        var drawn = HeatmapRows(ctx.Calls("fedlab.heatmap.draw")[0].Arguments[2]);
        Assert.Equal("deadline: missed the 30 s deadline", drawn[0].GetProperty("failed")[2].GetString());
        Assert.Equal(JsonValueKind.Null, drawn[0].GetProperty("failed")[0].ValueKind);
        Assert.Equal(JsonValueKind.Null, drawn[0].GetProperty("values")[2].ValueKind);
        Assert.False(drawn[1].TryGetProperty("failed", out _)); // round 2: nobody failed

        foreach (var e in events.Skip(splitAt))
        {
            recorder.Publish(e);
            ctx.Broadcaster.Publish(e);
        }
        cut.WaitForAssertion(() => Assert.Single(ctx.Calls("fedlab.heatmap.append")), TimeSpan.FromSeconds(5));
        var appended = HeatmapRows(ctx.Calls("fedlab.heatmap.append")[0].Arguments[1]);
        Assert.Equal(3, appended[0].GetProperty("round").GetInt32());
        Assert.Equal("deadline: missed the 30 s deadline", appended[0].GetProperty("failed")[2].GetString());
        cut.WaitForAssertion(() => Assert.Contains("client 2 failed: deadline: missed the 30 s deadline", cut.Markup, StringComparison.Ordinal));
        cut.WaitForAssertion(() => Assert.Equal(["0", "0", "2"], cut.FindAll("[data-failures]").Select(e => e.GetAttribute("data-failures"))));
    }

    private static JsonElement[] HeatmapRows(object? payload) =>
        [.. JsonDocument.Parse(JsonSerializer.Serialize(payload)).RootElement.EnumerateArray()];

    [Fact]
    public async Task UnknownRun_SaysSo()
    {
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<RunDetail>(p => p.Add(c => c.RunId, Guid.NewGuid()));
        cut.WaitForAssertion(() => Assert.Contains("There is no run", cut.Markup, StringComparison.Ordinal));
    }
}
