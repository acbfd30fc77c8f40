using Plotly.Blazor.LayoutLib;
using PlotLayout = Plotly.Blazor.Layout;

namespace FedLab.Web.Components.Charts;

/// <summary>
/// Axis rules every chart shares: rounds are whole numbers (no 0.5 ticks); a logarithmic axis labels every tick in
/// full ("20", "50", "100", not "2 5 1"); a chart without data says so instead of drawing an empty -1..4 frame.
/// </summary>
public static class ChartAxes
{
    public const string EmptyText = "no data yet";

    /// <summary>A whole-number tick step that gives at most about ten ticks up to <paramref name="lastRound"/>.</summary>
    public static int RoundTickStep(int lastRound)
    {
        int step = 1;
        int[] multipliers = [2, 5, 10];
        int decade = 1;
        while (lastRound / step > 10)
        {
            foreach (var m in multipliers)
            {
                step = m * decade;
                if (lastRound / step <= 10)
                {
                    return step;
                }
            }
            decade *= 10;
        }
        return step;
    }

    /// <summary>Whole-number round ticks from 0; true when the axis changed (then relayout a drawn chart).</summary>
    public static bool ApplyRoundAxis(XAxis axis, int lastRound)
    {
        int step = RoundTickStep(Math.Max(lastRound, 1));
        if (axis.TickMode == Plotly.Blazor.LayoutLib.XAxisLib.TickModeEnum.Linear && Equals(axis.DTick, step))
        {
            return false;
        }
        axis.TickMode = Plotly.Blazor.LayoutLib.XAxisLib.TickModeEnum.Linear;
        axis.Tick0 = 0;
        axis.DTick = step;
        return true;
    }

    /// <summary>A log or linear x axis; a log axis writes every tick label in full.</summary>
    public static void ApplyLog(XAxis axis, bool log)
    {
        axis.Type = log ? Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Log : Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum.Linear;
        axis.TickFormat = log ? "~g" : null;
        axis.AutoRange = Plotly.Blazor.LayoutLib.XAxisLib.AutoRangeEnum.True;
    }

    /// <summary>Shows or hides the empty state (axes hidden, a centred note); true when it changed.</summary>
    public static bool SetEmpty(PlotLayout layout, bool empty, string text = EmptyText)
    {
        bool shown = layout.Annotations?.Any(a => a.Name == "empty") == true;
        if (shown == empty)
        {
            return false;
        }
        foreach (var x in layout.XAxis ?? [])
        {
            x.Visible = !empty;
        }
        foreach (var y in layout.YAxis ?? [])
        {
            y.Visible = !empty;
        }
        layout.Annotations = empty
            ? [new Annotation { Name = "empty", Text = text, ShowArrow = false, XRef = "paper", YRef = "paper", X = 0.5m, Y = 0.5m }]
            : [];
        return true;
    }
}
