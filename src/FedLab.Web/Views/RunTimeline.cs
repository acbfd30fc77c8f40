using FedLab.Data;
using FedLab.Engine.Runs;

namespace FedLab.Web.Views;

/// <summary>
/// A run's rounds in order with running totals, built from the store's rows and extended by live
/// RoundFinished events. Rounds at or below the last one held are ignored, which is what makes
/// "subscribe, then read the snapshot" free of both gaps and duplicates.
/// </summary>
public sealed class RunTimeline
{
    private readonly List<RoundPoint> _points = [];
    private readonly Dictionary<PayloadKind, double> _up = [];
    private readonly Dictionary<PayloadKind, double> _down = [];
    private double _tflops;

    public IReadOnlyList<RoundPoint> Points => _points;

    public int LastRound => _points.Count == 0 ? -1 : _points[^1].Round;

    public static RunTimeline From(IEnumerable<RoundRow> rows)
    {
        var timeline = new RunTimeline();
        foreach (var r in rows)
        {
            timeline.Add(r);
        }
        return timeline;
    }

    /// <summary>Adds a stored round (a run followed by polling); null when already held.</summary>
    public RoundPoint? Add(RoundRow r) =>
        Add(r.Round, r.Accuracy, r.MacroF1, r.Loss, r.TrainLoss, r.ClientAccuracyMean, r.Up, r.Down, r.ClientFlops, r.ClientSeconds, r.WallSeconds, r.FinishedAt, r.Extra);

    /// <summary>Adds a live round; null when the timeline already holds it (it came with the snapshot).</summary>
    public RoundPoint? Add(RoundFinished e)
    {
        var m = e.Metrics;
        return Add(m.Round, m.Global.Accuracy, m.Global.MacroF1, m.Global.Loss, m.TrainLoss, m.ClientAccuracyMean,
            PayloadBytes.From(m.BytesUpByKind), PayloadBytes.From(m.BytesDownByKind), m.ClientFlops, m.ClientSeconds, m.WallSeconds, e.Timestamp, m.Extra);
    }

    private RoundPoint? Add(int round, double accuracy, double f1, double loss, double? trainLoss, double? clientAccuracy,
        PayloadBytes up, PayloadBytes down, double flops, double clientSeconds, double wallSeconds, DateTimeOffset at, IReadOnlyDictionary<string, double>? extra)
    {
        if (round <= LastRound)
        {
            return null;
        }
        foreach (var kind in up.Kinds)
        {
            Accumulate(_up, kind, up[kind]);
        }
        foreach (var kind in down.Kinds)
        {
            Accumulate(_down, kind, down[kind]);
        }
        _tflops += flops / 1e12;
        var point = new RoundPoint(round, accuracy, f1, loss, trainLoss, clientAccuracy, up, down, flops / 1e12, clientSeconds, wallSeconds, at,
            new Dictionary<PayloadKind, double>(_up), new Dictionary<PayloadKind, double>(_down), _tflops, extra);
        _points.Add(point);
        return point;
    }

    // Only kinds that carried bytes are in PayloadBytes; a kind once seen stays in the totals (a line keeps going).
    private static void Accumulate(Dictionary<PayloadKind, double> totals, PayloadKind kind, long bytes) =>
        totals[kind] = totals.GetValueOrDefault(kind) + bytes / 1e6;
}
