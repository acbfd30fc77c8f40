using FedLab.Web.Views;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Plotly.Blazor;
using Plotly.Blazor.Traces;
using PlotLayout = Plotly.Blazor.Layout;

namespace FedLab.Web.Components.Charts;

/// <summary>
/// Client x round heatmap of each client's training loss (rows = rounds, columns = clients; empty = the
/// client was not sampled). Long runs are drawn with rounds averaged into at most
/// <see cref="HeatmapRows.MaxRows"/> rows; live rounds are appended as new rows (Plotly.extendTraces on y and z).
/// </summary>
public sealed partial class ClientHeatmap
{
    private readonly List<HeatmapRow> _pending = [];
    private PlotlyChart? _chart;
    private IList<ITrace> _data = [];
    private PlotLayout _layout = new();
    private readonly Config _config = ChartLayouts.Config();
    private bool _plotted;
    private bool? _renderedDark;

    [Parameter, EditorRequired]
    public string Id { get; set; } = "";

    [Parameter, EditorRequired]
    public HeatmapRows Rows { get; set; } = HeatmapRows.Empty;

    [CascadingParameter(Name = "DarkMode")]
    public bool Dark { get; set; }

    protected override void OnInitialized()
    {
        _layout = ChartLayouts.Create("client", Rows.Bucketed ? "round (averaged over buckets)" : "round", Dark, height: 420);
        _layout.ShowLegend = false;
        _renderedDark = Dark;
        _data.Add(new HeatMap
        {
            Name = "train loss",
            X = [.. Enumerable.Range(0, Rows.Clients).Select(c => (object)c)],
            Y = [.. Rows.Rows.Select(r => (object)r.Round)],
            Z = [.. Rows.Rows.Select(r => (object)r.Values)],
            ColorScale = "Viridis",
            ReverseScale = true,
            HoverTemplate = "client %{x}<br>round %{y}<br>train loss %{z:.4f}<extra></extra>",
            ColorBar = new Plotly.Blazor.Traces.HeatMapLib.ColorBar { Title = new Plotly.Blazor.Traces.HeatMapLib.ColorBarLib.Title { Text = "loss" } },
        });
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

    public async Task AppendAsync(IReadOnlyList<HeatmapRow> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }
        if (!_plotted || _chart is null)
        {
            _pending.AddRange(rows);
            return;
        }
        await _chart.ExtendTraces3D(null!, [rows.Select(r => (object)r.Round)], [rows.Select(r => (object)r.Values)], [0]);
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
                // The page went away while rows were waiting.
            }
        }
    }
}
