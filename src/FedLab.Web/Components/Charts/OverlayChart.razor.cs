using Microsoft.AspNetCore.Components;
using Plotly.Blazor;
using Plotly.Blazor.Traces;
using PlotLayout = Plotly.Blazor.Layout;

namespace FedLab.Web.Components.Charts;

/// <summary>Several runs' lines on shared axes (the compare page). Drawn from stored data; a new selection redraws.</summary>
public sealed partial class OverlayChart
{
    private PlotlyChart? _chart;
    private readonly IList<ITrace> _data = [];
    private PlotLayout _layout = new();
    private readonly Config _config = ChartLayouts.Config();
    private bool _plotted;
    private bool? _renderedDark;
    private IReadOnlyList<OverlayLine>? _drawn;

    [Parameter, EditorRequired]
    public string Id { get; set; } = "";

    [Parameter, EditorRequired]
    public IReadOnlyList<OverlayLine> Lines { get; set; } = [];

    [Parameter]
    public string XTitle { get; set; } = "";

    [Parameter]
    public string YTitle { get; set; } = "";

    [CascadingParameter(Name = "DarkMode")]
    public bool Dark { get; set; }

    protected override void OnInitialized()
    {
        _layout = ChartLayouts.Create(XTitle, YTitle, Dark, height: 340);
        _renderedDark = Dark;
        Fill();
    }

    protected override async Task OnParametersSetAsync()
    {
        if (!_plotted || _chart is null)
        {
            return;
        }
        if (!ReferenceEquals(_drawn, Lines))
        {
            Fill();
            await _chart.React();
        }
        if (_renderedDark != Dark)
        {
            _renderedDark = Dark;
            ChartLayouts.ApplyTheme(_layout, Dark);
            await _chart.Relayout();
        }
    }

    private void OnPlotted() => _plotted = true;

    private void Fill()
    {
        _drawn = Lines;
        _data.Clear();
        foreach (var line in Lines)
        {
            _data.Add(new Scatter
            {
                Name = line.Name,
                X = [.. line.X.Select(v => (object)v)],
                Y = [.. line.Y.Select(v => double.IsFinite(v) ? (object)v : null!)],
                Mode = Plotly.Blazor.Traces.ScatterLib.ModeFlag.Lines | Plotly.Blazor.Traces.ScatterLib.ModeFlag.Markers,
                Line = new Plotly.Blazor.Traces.ScatterLib.Line { Color = line.Color, Width = 2 },
                Marker = new Plotly.Blazor.Traces.ScatterLib.Marker { Size = 5, Color = line.Color },
            });
        }
    }
}
