using FedLab.Web.Views;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Plotly.Blazor;
using Plotly.Blazor.Traces;
using PlotLayout = Plotly.Blazor.Layout;

namespace FedLab.Web.Components.Charts;

/// <summary>
/// A per-round chart drawn once from the stored rounds and then extended point by point
/// (<see cref="AppendAsync"/> -> Plotly.extendTraces), never redrawn for a new round. Points that arrive
/// before the first draw has been sent wait and are extended right after it, so none is drawn twice.
/// </summary>
public sealed partial class SeriesChart
{
    private readonly List<RoundPoint> _pending = [];
    private PlotlyChart? _chart;
    private IList<ITrace> _data = [];
    private PlotLayout _layout = new();
    private Config _config = ChartLayouts.Config();
    private bool _plotted;
    private bool? _renderedDark;

    [Parameter, EditorRequired]
    public string Id { get; set; } = "";

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

    [Parameter]
    public bool Stacked { get; set; }

    [CascadingParameter(Name = "DarkMode")]
    public bool Dark { get; set; }

    /// <summary>Points in the first trace, on the server side (tests).</summary>
    public int PointCount => _data.Count == 0 ? 0 : ((Scatter?)(_data[0] as Scatter))?.X?.Count ?? ((_data[0] as Bar)?.X?.Count ?? 0);

    protected override void OnInitialized()
    {
        _layout = ChartLayouts.Create(XTitle, YTitle, Dark, Y2Title);
        if (Stacked)
        {
            _layout.BarMode = Plotly.Blazor.LayoutLib.BarModeEnum.Stack;
        }
        _renderedDark = Dark;
        _data = [.. Series.Select(CreateTrace)];
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_plotted && _chart is not null && _renderedDark != Dark)
        {
            _renderedDark = Dark;
            ChartLayouts.ApplyTheme(_layout, Dark);
            await _chart.Relayout();
        }
    }

    public async Task AppendAsync(IReadOnlyList<RoundPoint> points)
    {
        if (points.Count == 0)
        {
            return;
        }
        if (!_plotted || _chart is null)
        {
            _pending.AddRange(points);
            return;
        }
        var xs = Series.Select(_ => (IEnumerable<object>)[.. points.Select(p => (object)p.Round)]).ToList();
        var ys = Series.Select(s => (IEnumerable<object>)[.. points.Select(p => Value(s, p))]).ToList();
        await _chart.ExtendTraces(xs, ys, Enumerable.Range(0, Series.Count));
    }

    private async void OnPlotted()
    {
        _plotted = true;
        if (_pending.Count > 0)
        {
            var pending = _pending.ToList();
            _pending.Clear();
            try
            {
                await InvokeAsync(() => AppendAsync(pending));
            }
            catch (Exception ex) when (ex is JSException or TaskCanceledException or ObjectDisposedException)
            {
                // The page went away while points were waiting.
            }
        }
    }

    private ITrace CreateTrace(ChartSeries s)
    {
        var xs = InitialPoints.Select(p => (object)p.Round).ToList();
        var ys = InitialPoints.Select(p => Value(s, p)).ToList();
        string? axis = s.SecondAxis ? "y2" : null;
        if (s.Bar)
        {
            return new Bar { Name = s.Name, X = xs, Y = ys, YAxis = axis, Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = s.Color } };
        }
        return new Scatter
        {
            Name = s.Name,
            X = xs,
            Y = ys,
            YAxis = axis,
            Mode = Plotly.Blazor.Traces.ScatterLib.ModeFlag.Lines | Plotly.Blazor.Traces.ScatterLib.ModeFlag.Markers,
            Line = new Plotly.Blazor.Traces.ScatterLib.Line { Color = s.Color, Width = 2, Dash = s.Dashed ? "dash" : "solid" },
            Marker = new Plotly.Blazor.Traces.ScatterLib.Marker { Size = 5, Color = s.Color },
        };
    }

    private static object Value(ChartSeries s, RoundPoint p) => s.Value(p) is double v && double.IsFinite(v) ? v : null!;
}
