using Microsoft.AspNetCore.Components;
using Plotly.Blazor.Traces;
using PlotLayout = Plotly.Blazor.Layout;

namespace FedLab.Web.Components.Charts;

/// <summary>
/// Per-client label histograms as stacked bars (x = client, one colour per class). Static on the run page;
/// the New run form's preview replaces the data and redraws (<see cref="ShowAsync"/>) when the partition
/// settings change, which is a new figure rather than a new round.
/// </summary>
public sealed partial class LabelHistogramChart : ChartBase
{
    /// <summary>Beyond this many classes the smallest ones are summed into "other" to keep the legend readable.</summary>
    public const int MaxClasses = 12;

    private (IReadOnlyList<string> Classes, IReadOnlyList<int[]> Histograms)? _waiting;

    [Parameter]
    public IReadOnlyList<string> ClassNames { get; set; } = [];

    [Parameter]
    public IReadOnlyList<int[]> Histograms { get; set; } = [];

    protected override PlotLayout CreateLayout()
    {
        var layout = ChartLayouts.Create("client", "examples", Dark);
        layout.BarMode = Plotly.Blazor.LayoutLib.BarModeEnum.Stack;
        return layout;
    }

    protected override void Initialize() => Fill(ClassNames, Histograms);

    /// <summary>Shows another partition (a redraw: a different figure, not an extension).</summary>
    public async Task ShowAsync(IReadOnlyList<string> classNames, IReadOnlyList<int[]> histograms)
    {
        if (!Plotted || Chart is null)
        {
            _waiting = (classNames, histograms);
            return;
        }
        Fill(classNames, histograms);
        await Chart.React();
    }

    protected override async Task OnPlottedAsync()
    {
        if (_waiting is { } w)
        {
            _waiting = null;
            await ShowAsync(w.Classes, w.Histograms);
        }
    }

    private void Fill(IReadOnlyList<string> classNames, IReadOnlyList<int[]> histograms)
    {
        Data.Clear();
        if (classNames.Count == 0 || histograms.Count == 0)
        {
            return;
        }
        // Keep the largest classes; sum the rest into "other".
        var totals = Enumerable.Range(0, classNames.Count).Select(k => (k, total: histograms.Sum(h => k < h.Length ? h[k] : 0))).ToList();
        var shown = totals.OrderByDescending(t => t.total).Take(classNames.Count > MaxClasses ? MaxClasses - 1 : MaxClasses).Select(t => t.k).Order().ToList();
        var clients = Enumerable.Range(0, histograms.Count).Select(c => (object)c).ToList();
        int colour = 0;
        foreach (var k in shown)
        {
            Data.Add(new Bar { Name = classNames[k], X = clients, Y = [.. histograms.Select(h => (object)(k < h.Length ? h[k] : 0))], Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = ChartPalette.Color(colour++) } });
        }
        if (shown.Count < classNames.Count)
        {
            var rest = Enumerable.Range(0, classNames.Count).Except(shown).ToList();
            Data.Add(new Bar { Name = $"other ({rest.Count} classes)", X = clients, Y = [.. histograms.Select(h => (object)rest.Sum(k => k < h.Length ? h[k] : 0))], Marker = new Plotly.Blazor.Traces.BarLib.Marker { Color = "#9e9e9e" } });
        }
    }
}
