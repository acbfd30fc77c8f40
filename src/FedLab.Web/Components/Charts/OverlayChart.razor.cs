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

    protected override PlotLayout CreateLayout() => ChartLayouts.Create(XTitle, YTitle, Dark, height: 340);

    protected override void Initialize() => Fill();

    protected override async Task OnParametersChangedAsync()
    {
        if (Plotted && Chart is not null && !ReferenceEquals(_drawn, Lines))
        {
            Fill();
            await Chart.React();
        }
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
