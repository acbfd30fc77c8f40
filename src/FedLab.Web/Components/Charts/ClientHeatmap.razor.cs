using FedLab.Web.Views;
using Microsoft.AspNetCore.Components;
using Plotly.Blazor.Traces;
using PlotLayout = Plotly.Blazor.Layout;

namespace FedLab.Web.Components.Charts;

/// <summary>
/// Client x round heatmap of each client's training loss (rows = rounds, columns = clients; empty = the
/// client was not sampled). Long runs are drawn with rounds averaged into at most
/// <see cref="HeatmapRows.MaxRows"/> rows; live rounds are appended as new rows (Plotly.extendTraces on y and z).
/// </summary>
public sealed partial class ClientHeatmap : ChartBase
{
    private readonly List<HeatmapRow> _pending = [];

    [Parameter, EditorRequired]
    public HeatmapRows Rows { get; set; } = HeatmapRows.Empty;


    protected override PlotLayout CreateLayout()
    {
        var layout = ChartLayouts.Create("client", Rows.Bucketed ? "round (averaged over buckets)" : "round", Dark, height: 420);
        layout.ShowLegend = false;
        return layout;
    }

    protected override void Initialize()
    {
        Data.Add(new HeatMap
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

    public async Task AppendAsync(IReadOnlyList<HeatmapRow> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }
        if (!Plotted || Chart is null)
        {
            _pending.AddRange(rows);
            return;
        }
        await Chart.ExtendTraces3D(null!, [rows.Select(r => (object)r.Round)], [rows.Select(r => (object)r.Values)], [0]);
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
}
