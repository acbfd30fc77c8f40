using FedLab.Web.Views;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace FedLab.Web.Components.Charts;

/// <summary>
/// Client x round heatmap of each client's training loss (rows = rounds, columns = clients; empty = the
/// client was not sampled; a marked cell = the client did not count there, coloured by kind with a legend below:
/// dropped, late or error (<see cref="HeatmapKinds"/>), its hover text "kind: reason"), drawn on a canvas by fedlab.js: the dashboard loads Plotly's basic bundle (a
/// quarter of the full one's load time, which is what keeps a big run's page under a second), and that
/// bundle has no heatmap. Long runs are drawn with rounds averaged into at most
/// <see cref="HeatmapRows.MaxRows"/> rows; a live round adds one row (fedlab.heatmap.append).
/// </summary>
public sealed partial class ClientHeatmap
{
    private readonly List<HeatmapRow> _pending = [];
    private readonly HashSet<string> _kinds = [];
    private HeatmapRows? _counted;
    private bool _drawn;
    private bool _drawnDark;

    [Parameter, EditorRequired]
    public string Id { get; set; } = "";

    [Parameter, EditorRequired]
    public HeatmapRows Rows { get; set; } = HeatmapRows.Empty;

    [CascadingParameter(Name = "DarkMode")]
    public bool Dark { get; set; }

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    private string YTitle => Rows.Bucketed ? "round (averaged over buckets)" : "round";

    /// <summary>The failure kinds shown, in legend order (for the legend under the canvas).</summary>
    internal IEnumerable<string> Kinds => HeatmapKinds.All.Where(_kinds.Contains);

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_counted, Rows))
        {
            _counted = Rows;
            Count(Rows.Rows);
        }
    }

    private bool Count(IEnumerable<HeatmapRow> rows)
    {
        int before = _kinds.Count;
        foreach (var failure in rows.SelectMany(r => r.Failures ?? []).OfType<string>())
        {
            _kinds.Add(HeatmapKinds.Of(failure));
        }
        return _kinds.Count != before;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _drawnDark = Dark;
            await JS.InvokeVoidAsync("fedlab.heatmap.draw", Id, Rows.Clients, Payload(Rows.Rows), Dark, YTitle, HeatmapKinds.Colours);
            _drawn = true;
            if (_pending.Count > 0)
            {
                var pending = _pending.ToList();
                _pending.Clear();
                await AppendAsync(pending);
            }
        }
        else if (_drawn && _drawnDark != Dark)
        {
            _drawnDark = Dark;
            await JS.InvokeVoidAsync("fedlab.heatmap.setTheme", Id, Dark);
        }
    }

    public async Task AppendAsync(IReadOnlyList<HeatmapRow> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }
        if (Count(rows))
        {
            StateHasChanged(); // a new kind joins the legend
        }
        if (!_drawn)
        {
            _pending.AddRange(rows);
            return;
        }
        await JS.InvokeVoidAsync("fedlab.heatmap.append", Id, Payload(rows));
    }

    // A row with no failed client carries no "failed" array: the payload of a big run stays as small as before. A row with
    // one also carries each failed cell's kind (dropped, late, error), which picks its colour and glyph.
    internal static object[] Payload(IEnumerable<HeatmapRow> rows) =>
        [.. rows.Select(r => r.Failures is null ? (object)new { round = r.Round, values = r.Values }
            : new { round = r.Round, values = r.Values, failed = r.Failures, kinds = r.Failures.Select(f => f is null ? null : HeatmapKinds.Of(f)).ToArray() })];
}
