using Bunit;
using FedLab.Web.Tests.Components;
using FedLab.Data;
using FedLab.Web.Components.Charts;
using FedLab.Web.Views;

namespace FedLab.Web.Tests.Walk;

/// <summary>Defects of the first-use walk in the charts: log axes, round ticks, empty charts, log tick labels.</summary>
public sealed class ChartAxesTests
{
    private static readonly OverlayLine Line = new("run", [0, 0.5, 2.5, 12], [0.5, 0.6, 0.7, 0.8], "#000");

    [Fact]
    public void LogAxis_LeavesXZeroOut_SoNoLineEntersFromTheLeftEdge()
    {
        Assert.Equal([(0.5, 0.6), (2.5, 0.7), (12.0, 0.8)], OverlayChart.Drawn(Line, logX: true));
        Assert.Equal(4, OverlayChart.Drawn(Line, logX: false).Count);
    }

    [Fact]
    public async Task LogSwitch_RedrawsWithoutThePointAtZero()
    {
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<OverlayChart>(p => p.Add(c => c.Id, "c").Add(c => c.Lines, [Line]).Add(c => c.LogX, false));
        cut.WaitForAssertion(() => Assert.Single(ctx.Calls("newPlot")));
        cut.Render(p => p.Add(c => c.LogX, true));
        var react = Assert.Single(ctx.Calls("react"));
        var trace = Assert.Single(Json(react.Arguments[1]).EnumerateArray());
        Assert.Equal([0.5, 2.5, 12.0], trace.GetProperty("x").EnumerateArray().Select(x => x.GetDouble()));
        var axis = Json(react.Arguments[2]).GetProperty("xaxis");
        Assert.Equal("log", axis.GetProperty("type").GetString());
        Assert.Equal("~g", axis.GetProperty("tickformat").GetString()); // full labels: "20 50 100", not "2 5 1"
    }

    [Fact]
    public void RoundTicks_AreWholeNumbers()
    {
        Assert.Equal(1, ChartAxes.RoundTickStep(1));
        Assert.Equal(1, ChartAxes.RoundTickStep(4));
        Assert.Equal(1, ChartAxes.RoundTickStep(10));
        Assert.Equal(2, ChartAxes.RoundTickStep(20));
        Assert.Equal(5, ChartAxes.RoundTickStep(37));
        Assert.Equal(100, ChartAxes.RoundTickStep(1000));
    }

    [Fact]
    public async Task SeriesChart_HasWholeRoundTicks_AndAnEmptyStateUntilTheFirstPoint()
    {
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<SeriesChart>(p => p.Add(c => c.Id, "s").Add(c => c.Series, [new ChartSeries("accuracy", p => p.Accuracy, "#000")]).Add(c => c.InitialPoints, []));
        cut.WaitForAssertion(() => Assert.Single(ctx.Calls("newPlot")));
        var layout = Json(ctx.Calls("newPlot")[0].Arguments[2]);
        var axis = layout.GetProperty("xaxis");
        Assert.Equal("linear", axis.GetProperty("tickmode").GetString());
        Assert.Equal(1, axis.GetProperty("dtick").GetInt32());
        Assert.Equal(0, axis.GetProperty("tick0").GetInt32());
        Assert.Equal(ChartAxes.EmptyText, Assert.Single(layout.GetProperty("annotations").EnumerateArray()).GetProperty("text").GetString());
        Assert.False(axis.GetProperty("visible").GetBoolean());

        await cut.InvokeAsync(() => cut.Instance.AppendAsync([Point(0, 0.5)]));
        var relayout = Json(Assert.Single(ctx.Calls("relayout")).Arguments[1]);
        Assert.Empty(relayout.GetProperty("annotations").EnumerateArray());
        Assert.True(relayout.GetProperty("xaxis").GetProperty("visible").GetBoolean());
    }

    private static System.Text.Json.JsonElement Json(object? argument) => System.Text.Json.JsonSerializer.SerializeToElement(argument);

    private static RoundPoint Point(int round, double accuracy) => new(round, accuracy, accuracy, 1 - accuracy, null, null,
        PayloadBytes.Zero, PayloadBytes.Zero, 0, 0, 0, DateTimeOffset.UtcNow, new Dictionary<Engine.Runs.PayloadKind, double>(), new Dictionary<Engine.Runs.PayloadKind, double>(), 0);
}
