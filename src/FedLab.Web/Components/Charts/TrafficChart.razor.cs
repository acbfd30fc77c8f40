using FedLab.Data;
using FedLab.Engine.Runs;
using FedLab.Web.Hubs;
using FedLab.Web.Views;
using Microsoft.AspNetCore.Components;
using Plotly.Blazor.Traces;
using PlotLayout = Plotly.Blazor.Layout;

namespace FedLab.Web.Components.Charts;

/// <summary>
/// Cumulative MB moved, one line per direction and payload kind (only kinds that carried bytes). New rounds
/// extend the lines; a kind that first appears mid-run is added as a new trace with its history.
/// </summary>
public sealed partial class TrafficChart : ChartBase
{
    private readonly List<(bool Up, PayloadKind Kind)> _traces = [];
    private readonly List<RoundPoint> _all = [];
    private readonly List<RoundPoint> _pending = [];

    [Parameter, EditorRequired]
    public IReadOnlyList<RoundPoint> InitialPoints { get; set; } = [];


    protected override PlotLayout CreateLayout()
    {
        var layout = ChartLayouts.Create("round", "cumulative MB", Dark);
        ChartAxes.ApplyRoundAxis(layout.XAxis[0], InitialPoints.Count == 0 ? 0 : InitialPoints[^1].Round);
        // Empty until a payload kind carried bytes (round 0 carries none).
        ChartAxes.SetEmpty(layout, KindsIn(InitialPoints).Count() == 0, "no bytes yet");
        return layout;
    }

    protected override void Initialize()
    {
        _all.AddRange(InitialPoints);
        foreach (var key in KindsIn(InitialPoints))
        {
            _traces.Add(key);
            Data.Add(CreateTrace(key, _all));
        }
    }

    public async Task AppendAsync(IReadOnlyList<RoundPoint> points)
    {
        if (points.Count == 0)
        {
            return;
        }
        if (!Plotted || Chart is null)
        {
            _pending.AddRange(points);
            return;
        }
        _all.AddRange(points);
        if (_traces.Count > 0)
        {
            var xs = _traces.Select(_ => (IEnumerable<object>)[.. points.Select(p => (object)p.Round)]).ToList();
            var ys = _traces.Select(t => (IEnumerable<object>)[.. points.Select(p => (object)Mb(p, t))]).ToList();
            await Chart.ExtendTraces(xs, ys, Enumerable.Range(0, _traces.Count));
        }
        foreach (var key in KindsIn(points).Where(k => !_traces.Contains(k)))
        {
            _traces.Add(key);
            await Chart.AddTrace(CreateTrace(key, _all));
        }
        if (ChartAxes.ApplyRoundAxis(Layout.XAxis[0], _all[^1].Round) | ChartAxes.SetEmpty(Layout, _traces.Count == 0, "no bytes yet"))
        {
            await Chart.Relayout();
        }
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

    private static IEnumerable<(bool Up, PayloadKind Kind)> KindsIn(IReadOnlyList<RoundPoint> points)
    {
        if (points.Count == 0)
        {
            yield break;
        }
        var last = points[^1];
        // Any kind name, well-known ones first (display order); colours follow the same order.
        foreach (var kind in PayloadBytes.DisplayOrder(last.CumulativeMbUp.Keys.Concat(last.CumulativeMbDown.Keys)))
        {
            if (last.CumulativeMbUp.GetValueOrDefault(kind) > 0)
            {
                yield return (true, kind);
            }
            if (last.CumulativeMbDown.GetValueOrDefault(kind) > 0)
            {
                yield return (false, kind);
            }
        }
    }

    /// <summary>The well-known kinds by display order; any other kind by a stable hash of its name over the remaining colours.</summary>
    internal static string KindColor(PayloadKind kind)
    {
        int order = PayloadKind.Order(kind);
        if (order < PayloadKind.WellKnown.Count)
        {
            return ChartPalette.Color(order);
        }
        uint hash = 2166136261; // FNV-1a: the same colour in every process, unlike string.GetHashCode
        foreach (char c in kind.Name)
        {
            hash = (hash ^ c) * 16777619;
        }
        int others = ChartPalette.Colors.Count - PayloadKind.WellKnown.Count;
        return ChartPalette.Color(PayloadKind.WellKnown.Count + (int)(hash % (uint)others));
    }

    private static double Mb(RoundPoint p, (bool Up, PayloadKind Kind) t) =>
        (t.Up ? p.CumulativeMbUp : p.CumulativeMbDown).GetValueOrDefault(t.Kind);

    private Scatter CreateTrace((bool Up, PayloadKind Kind) t, IReadOnlyList<RoundPoint> points)
    {
        var color = KindColor(t.Kind);
        return new Scatter
        {
            Name = $"{(t.Up ? "up" : "down")} · {HubMessageMapper.KindName(t.Kind)}",
            X = [.. points.Select(p => (object)p.Round)],
            Y = [.. points.Select(p => (object)Mb(p, t))],
            Mode = ChartLayouts.Mode(points.Count),
            Line = new Plotly.Blazor.Traces.ScatterLib.Line { Color = color, Width = 2, Dash = t.Up ? "solid" : "dot" },
            Marker = new Plotly.Blazor.Traces.ScatterLib.Marker { Size = 5, Color = color },
        };
    }
}
