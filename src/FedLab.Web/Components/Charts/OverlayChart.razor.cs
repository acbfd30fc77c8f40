using Microsoft.AspNetCore.Components;
using Plotly.Blazor.Traces;
using PlotLayout = Plotly.Blazor.Layout;

namespace FedLab.Web.Components.Charts;

/// <summary>Several runs' lines on shared axes (the compare page). Drawn from stored data; a new selection redraws.</summary>
public sealed partial class OverlayChart : ChartBase
{
    private IReadOnlyList<OverlayLine>? _drawn;

    [Parameter, EditorRequired]
    public IReadOnlyList<OverlayLine> Lines { get; set; } = [];

    [Parameter]
    public string XTitle { get; set; } = "";

    [Parameter]
    public string YTitle { get; set; } = "";

    /// <summary>
    /// A logarithmic x axis: costs that differ by orders of magnitude (KD's kilobytes, split learning's
    /// hundreds of MB) stay readable on one chart. Points at x = 0 (round 0) cannot be drawn on it.
    /// </summary>
    [Parameter]
    public bool LogX { get; set; }

    private bool _layoutLogX;

    protected override PlotLayout CreateLayout()
    {
        var layout = ChartLayouts.Create(XTitle, YTitle, Dark, height: 340);
        SetLogX(layout, LogX);
        return layout;
    }

    protected override void Initialize() => Fill();

    protected override async Task OnParametersChangedAsync()
    {
        if (_layoutLogX != LogX)
        {
            SetLogX(Layout, LogX);
            if (Plotted && Chart is not null)
            {
                await Chart.Relayout();
            }
        }
        if (Plotted && Chart is not null && !ReferenceEquals(_drawn, Lines))
        {
            Fill();
            await Chart.React();
        }
    }

    private void SetLogX(PlotLayout layout, bool log)
    {
        _layoutLogX = log;
        var axis = layout.XAxis[0];
        axis.Type = log ? Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Log : Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Linear;
        axis.AutoRange = Plotly.Blazor.LayoutLib.XAxisLib.AutoRangeEnum.True;
    }

    protected override async Task OnPlottedAsync()
    {
        if (!ReferenceEquals(_drawn, Lines) && Chart is not null)
        {
            Fill();
            await Chart.React();
        }
    }

    private void Fill()
    {
        _drawn = Lines;
        Data.Clear();
        foreach (var line in Lines)
        {
            Data.Add(new Scatter
            {
                Name = line.Name,
                X = [.. line.X.Select(v => (object)v)],
                Y = [.. line.Y.Select(v => double.IsFinite(v) ? (object)v : null!)],
                Mode = ChartLayouts.Mode(line.X.Count),
                Line = new Plotly.Blazor.Traces.ScatterLib.Line { Color = line.Color, Width = 2 },
                Marker = new Plotly.Blazor.Traces.ScatterLib.Marker { Size = 5, Color = line.Color },
            });
        }
    }
}
