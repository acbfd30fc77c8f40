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

    /// <summary>The x axis counts rounds: whole-number ticks only.</summary>
    [Parameter]
    public bool RoundAxis { get; set; }

    private bool _layoutLogX;

    protected override PlotLayout CreateLayout()
    {
        var layout = ChartLayouts.Create(XTitle, YTitle, Dark, height: 340);
        SetLogX(layout, LogX);
        ShapeAxes(layout);
        return layout;
    }

    protected override void Initialize() => Fill();

    protected override async Task OnParametersChangedAsync()
    {
        bool logChanged = _layoutLogX != LogX;
        if (logChanged)
        {
            SetLogX(Layout, LogX);
        }
        // A log axis leaves x <= 0 out, so a change of scale changes the points drawn: a new figure, as for new lines.
        if (Plotted && Chart is not null && (logChanged || !ReferenceEquals(_drawn, Lines)))
        {
            ShapeAxes(Layout);
            Fill();
            await Chart.React();
        }
    }

    private void SetLogX(PlotLayout layout, bool log)
    {
        _layoutLogX = log;
        ChartAxes.ApplyLog(layout.XAxis[0], log);
    }

    private void ShapeAxes(PlotLayout layout)
    {
        if (RoundAxis)
        {
            ChartAxes.ApplyRoundAxis(layout.XAxis[0], (int)Lines.SelectMany(l => l.X).DefaultIfEmpty(0).Max());
        }
        ChartAxes.SetEmpty(layout, Lines.All(l => Drawn(l, LogX).Count == 0));
    }

    /// <summary>
    /// The points of a line that the axis can show: on a log axis x = 0 (round 0, nothing spent yet) has no place, and
    /// Plotly would otherwise draw the segment to it from the left edge, values that are not in the data.
    /// </summary>
    public static IReadOnlyList<(double X, double Y)> Drawn(OverlayLine line, bool logX) =>
        [.. line.X.Zip(line.Y).Where(p => !logX || p.First > 0)];

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
            var points = Drawn(line, LogX);
            if (points.Count == 0)
            {
                continue; // a series with no data is not in the legend
            }
            Data.Add(new Scatter
            {
                Name = line.Name,
                X = [.. points.Select(p => (object)p.X)],
                Y = [.. points.Select(p => double.IsFinite(p.Y) ? (object)p.Y : null!)],
                Mode = ChartLayouts.Mode(points.Count),
                Line = new Plotly.Blazor.Traces.ScatterLib.Line { Color = line.Color, Width = 2, Dash = line.Dashed ? "dash" : "solid" },
                Marker = new Plotly.Blazor.Traces.ScatterLib.Marker { Size = 5, Color = line.Color },
            });
        }
    }
}
