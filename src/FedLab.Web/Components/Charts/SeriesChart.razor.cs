using FedLab.Web.Views;
using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.Traces;
using PlotLayout = Plotly.Blazor.Layout;

namespace FedLab.Web.Components.Charts;

/// <summary>
/// A per-round chart drawn once from the stored rounds and then extended point by point
/// (<see cref="AppendAsync"/> -> Plotly.extendTraces), never redrawn for a new round. Points that arrive
/// before the first draw has been sent wait and are extended right after it, so none is drawn twice.
/// </summary>
public sealed partial class SeriesChart : ChartBase
{
    private readonly List<RoundPoint> _pending = [];

    [Parameter, EditorRequired]
    public IReadOnlyList<ChartSeries> Series { get; set; } = [];

    [Parameter, EditorRequired]
    public IReadOnlyList<RoundPoint> InitialPoints { get; set; } = [];

    [Parameter]
    public string XTitle { get; set; } = "round";

    [Parameter]
    public string YTitle { get; set; } = "";

    [Parameter]
    public string? Y2Title { get; set; }

    /// <summary>Points in the first trace, on the server side (tests).</summary>
    public int PointCount => Data.Count == 0 ? 0 : Data[0] switch
    {
        Scatter s => s.X?.Count ?? 0,
        Bar b => b.X?.Count ?? 0,
        _ => 0,
    };

    protected override PlotLayout CreateLayout()
    {
        var layout = ChartLayouts.Create(XTitle, YTitle, Dark, Y2Title);
        _lastRound = InitialPoints.Count == 0 ? 0 : InitialPoints[^1].Round;
        ChartAxes.ApplyRoundAxis(layout.XAxis[0], _lastRound);
        ChartAxes.SetEmpty(layout, InitialPoints.Count == 0);
        return layout;
    }

    private int _lastRound;

    protected override void Initialize() => Data = [.. Series.Select(CreateTrace)];

    public async Task AppendAsync(IReadOnlyList<RoundPoint> points)
    {
        if (points.Count == 0)
        {
            return;
        }
        if (!Plotted || Chart is null)
        {
            _pending.AddRange(points);
            return;
        }
        var xs = Series.Select(_ => (IEnumerable<object>)[.. points.Select(p => (object)p.Round)]).ToList();
        var ys = Series.Select(s => (IEnumerable<object>)[.. points.Select(p => Value(s, p))]).ToList();
        await Chart.ExtendTraces(xs, ys, Enumerable.Range(0, Series.Count));
        _lastRound = Math.Max(_lastRound, points[^1].Round);
        // "|" not "||": both must run. More rounds may need a wider tick step; the first points end the empty state.
        if (ChartAxes.ApplyRoundAxis(Layout.XAxis[0], _lastRound) | ChartAxes.SetEmpty(Layout, false))
        {
            await Chart.Relayout();
        }
    }

    protected override async Task OnPlottedAsync()
    {
        if (_pending.Count > 0)
        {
            var pending = _pending.ToList();
            _pending.Clear();
            await AppendAsync(pending);
        }
    }

    private ITrace CreateTrace(ChartSeries s)
    {
        var xs = InitialPoints.Select(p => (object)p.Round).ToList();
        var ys = InitialPoints.Select(p => Value(s, p)).ToList();
        string? axis = s.SecondAxis ? "y2" : null;
        if (s.Bar && xs.Count <= ChartLayouts.MaxMarkedPoints)
        {
            return new Bar { Name = s.Name, X = xs, Y = ys, YAxis = axis, Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = s.Color } };
        }
        return new Scatter
        {
            Name = s.Name,
            X = xs,
            Y = ys,
            YAxis = axis,
            Mode = ChartLayouts.Mode(xs.Count),
            Line = new Plotly.Blazor.Traces.ScatterLib.Line { Color = s.Color, Width = 2, Dash = s.Dashed ? "dash" : "solid" },
            Marker = new Plotly.Blazor.Traces.ScatterLib.Marker { Size = 5, Color = s.Color },
        };
    }

    private static object Value(ChartSeries s, RoundPoint p) => s.Value(p) is double v && double.IsFinite(v) ? v : null!;
}
