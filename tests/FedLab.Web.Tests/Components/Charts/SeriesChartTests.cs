using Bunit;
using FedLab.Data;
using FedLab.Web.Components.Charts;
using FedLab.Web.Views;

namespace FedLab.Web.Tests.Components.Charts;

public sealed class SeriesChartTests
{
    private static RoundPoint Point(int round, double accuracy) => new(round, accuracy, accuracy, 1 - accuracy, null, null,
        PayloadBytes.Zero, PayloadBytes.Zero, 0, 0, 0, DateTimeOffset.UtcNow, new Dictionary<Engine.Runs.PayloadKind, double>(), new Dictionary<Engine.Runs.PayloadKind, double>(), 0);

    private static readonly IReadOnlyList<ChartSeries> Series = [new("accuracy", p => p.Accuracy, "#000"), new("loss", p => p.Loss, "#111")];

    [Fact]
    public async Task Render_DrawsOnce_ThenANewRoundIsAnExtendTracesCall()
    {
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<SeriesChart>(p => p
            .Add(c => c.Id, "chart-test")
            .Add(c => c.Series, Series)
            .Add(c => c.InitialPoints, [Point(0, 0.5), Point(1, 0.6)]));
        cut.WaitForAssertion(() => Assert.Single(ctx.Calls("newPlot")));

        await cut.InvokeAsync(() => cut.Instance.AppendAsync([Point(2, 0.7)]));

        var extend = Assert.Single(ctx.Calls("extendTraces"));
        Assert.Equal("chart-test", extend.Arguments[0]);
        var xs = Assert.IsAssignableFrom<IEnumerable<IEnumerable<object>>>(extend.Arguments[1]).ToList();
        var ys = Assert.IsAssignableFrom<IEnumerable<IEnumerable<object>>>(extend.Arguments[2]).ToList();
        Assert.Equal(2, xs.Count); // one entry per trace
        Assert.Equal([2], xs[0].Cast<int>());
        Assert.Equal([0.7], ys[0].Cast<double>());
        Assert.Equal([0, 1], Assert.IsAssignableFrom<IEnumerable<int>>(extend.Arguments[3]));
        // Never redrawn: still the one newPlot, and no react.
        Assert.Single(ctx.Calls("newPlot"));
        Assert.Empty(ctx.Calls("react"));
        Assert.Equal(3, cut.Instance.PointCount);
    }
}
