using Plotly.Blazor;
using PlotLayout = Plotly.Blazor.Layout;
using Plotly.Blazor.LayoutLib;

namespace FedLab.Web.Components.Charts;

/// <summary>Shared Plotly layout and config: transparent background, theme-aware text and grid, legend below.</summary>
public static class ChartLayouts
{
    public static PlotLayout Create(string xTitle, string yTitle, bool dark, string? y2Title = null, int height = 300)
    {
        var layout = new PlotLayout
        {
            Height = height,
            Margin = new Margin { L = 56, R = y2Title is null ? 16 : 56, T = 12, B = 40 },
            PaperBgColor = "rgba(0,0,0,0)",
            PlotBgColor = "rgba(0,0,0,0)",
            ShowLegend = true,
            Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, Y = -0.22m }],
            XAxis = [new XAxis { Title = new Plotly.Blazor.LayoutLib.XAxisLib.Title { Text = xTitle }, ZeroLine = false }],
            YAxis = [new YAxis { Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = yTitle }, ZeroLine = false }],
        };
        if (y2Title is not null)
        {
            layout.YAxis.Add(new YAxis
            {
                Title = new Plotly.Blazor.LayoutLib.YAxisLib.Title { Text = y2Title },
                Overlaying = "y",
                Side = Plotly.Blazor.LayoutLib.YAxisLib.SideEnum.Right,
                ShowGrid = false,
                ZeroLine = false,
            });
        }
        ApplyTheme(layout, dark);
        return layout;
    }

    /// <summary>Text and grid colours for the theme; call Relayout after changing an existing chart's layout.</summary>
    public static void ApplyTheme(PlotLayout layout, bool dark)
    {
        var text = dark ? "#d8dbe6" : "#2b2f3a";
        var grid = dark ? "rgba(255,255,255,0.12)" : "rgba(0,0,0,0.09)";
        layout.Font = new Font { Color = text, Size = 12 };
        foreach (var x in layout.XAxis ?? [])
        {
            x.GridColor = grid;
            x.LineColor = grid;
        }
        foreach (var y in layout.YAxis ?? [])
        {
            y.GridColor = grid;
            y.LineColor = grid;
        }
    }

    /// <summary>
    /// Beyond this many points a line is drawn without markers (and bars as a line): thousands of SVG markers
    /// are what makes a long run's first draw slow, and at that density they are not readable anyway.
    /// </summary>
    public const int MaxMarkedPoints = 150;

    public static Plotly.Blazor.Traces.ScatterLib.ModeFlag Mode(int points) => points > MaxMarkedPoints
        ? Plotly.Blazor.Traces.ScatterLib.ModeFlag.Lines
        : Plotly.Blazor.Traces.ScatterLib.ModeFlag.Lines | Plotly.Blazor.Traces.ScatterLib.ModeFlag.Markers;

    public static Config Config() => new()
    {
        Responsive = true,
        DisplayLogo = false,
        DisplayModeBar = Plotly.Blazor.ConfigLib.DisplayModeBarEnum.Hover,
    };
}
