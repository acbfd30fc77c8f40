using System.Text.Json;
using Bunit;
using FedLab.Web.Components.Charts;
using FedLab.Web.Views;

namespace FedLab.Web.Tests.Components.Charts;

/// <summary>
/// The client x round heatmap marks dropped, late and failed (error) client rounds differently: each cell carries its
/// kind to the canvas, each kind has its own colour, the legend lists the kinds present, and the hover text is the
/// failure's "kind: reason".
/// </summary>
public sealed class ClientHeatmapTests
{
    private static HeatmapRows Rows(params string?[] failures) =>
        new(3, [new HeatmapRow(1, [0.5, null, null], null), new HeatmapRow(2, [null, null, null], failures)], false);

    private static JsonElement[] Payload(object? argument) => [.. JsonDocument.Parse(JsonSerializer.Serialize(argument)).RootElement.EnumerateArray()];

    [Fact]
    public async Task DroppedLateAndError_RenderWithDistinctColours_KindsAndLegendEntries()
    {
        await using var ctx = new DashboardTestContext();
        var rows = Rows("dropped: dropped out (dropout probability 0.3)", "late: simulated time 41.2 s exceeds the 30 s deadline", "error: out of memory");
        var cut = ctx.Render<ClientHeatmap>(p => p.Add(c => c.Id, "heatmap-test").Add(c => c.Rows, rows));
        cut.WaitForAssertion(() => Assert.Single(ctx.Calls("fedlab.heatmap.draw")));
        var draw = ctx.Calls("fedlab.heatmap.draw")[0];

        // Each failed cell carries its kind, and the hover text stays "kind: reason".
        var drawn = Payload(draw.Arguments[2]);
        Assert.False(drawn[0].TryGetProperty("kinds", out _));
        Assert.Equal(["dropped", "late", "error"], drawn[1].GetProperty("kinds").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal("late: simulated time 41.2 s exceeds the 30 s deadline", drawn[1].GetProperty("failed")[1].GetString());

        // The palette the canvas colours them with: three different colours.
        var palette = Assert.IsAssignableFrom<IReadOnlyDictionary<string, string>>(draw.Arguments[5]);
        var colours = new[] { "dropped", "late", "error" }.Select(k => palette[k]).ToList();
        Assert.Equal(3, colours.Distinct().Count());

        // The legend: one entry per kind, in the kind's colour, saying what it means.
        var items = cut.FindAll("[data-legend='heatmap-test'] [data-kind]");
        Assert.Equal(["dropped", "late", "error"], items.Select(i => i.GetAttribute("data-kind")));
        var swatches = items.Select(i => i.QuerySelector(".fedlab-heatmap-swatch")!.GetAttribute("style")).ToList();
        Assert.Equal(colours.Select(c => $"background:{c}"), swatches);
        Assert.Contains("missed the deadline", items[1].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLegend_ShowsOnlyTheKindsPresent_AndGrowsWithALiveRound()
    {
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<ClientHeatmap>(p => p.Add(c => c.Id, "heatmap-live").Add(c => c.Rows, Rows("dropped: unavailable in this round (availability trace)", null, null)));
        cut.WaitForAssertion(() => Assert.Single(ctx.Calls("fedlab.heatmap.draw")));
        Assert.Equal(["dropped"], cut.FindAll("[data-kind]").Select(i => i.GetAttribute("data-kind")));

        await cut.InvokeAsync(() => cut.Instance.AppendAsync([new HeatmapRow(3, [null, 0.4, null], [null, null, "deadline: missed the 30 s deadline"])]));
        var appended = Payload(Assert.Single(ctx.Calls("fedlab.heatmap.append")).Arguments[1]);
        Assert.Equal("late", appended[0].GetProperty("kinds")[2].GetString()); // the older "deadline" kind reads as late
        cut.WaitForAssertion(() => Assert.Equal(["dropped", "late"], cut.FindAll("[data-kind]").Select(i => i.GetAttribute("data-kind"))));
    }

    [Fact]
    public async Task ARunWithoutFailures_HasNoLegend()
    {
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<ClientHeatmap>(p => p.Add(c => c.Id, "heatmap-plain").Add(c => c.Rows, Rows(null, null, null) with { Rows = [new HeatmapRow(1, [0.5, 0.4, 0.3], null)] }));
        cut.WaitForAssertion(() => Assert.Single(ctx.Calls("fedlab.heatmap.draw")));
        Assert.Empty(cut.FindAll("[data-legend]"));
    }
}
