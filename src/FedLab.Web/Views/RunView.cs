using System.Globalization;
using FedLab.Data;
using FedLab.Engine.Runs;
using FedLab.Web.Components.Shared;

namespace FedLab.Web.Views;

/// <summary>
/// Everything the run page shows, built from the store's snapshot and updated by live events (or by
/// polling the store for a run that another process, such as the CLI, is training).
/// </summary>
public sealed class RunView
{
    private readonly Dictionary<int, List<ClientRoundMetrics>> _clientRoundsByRound = [];
    private readonly Dictionary<int, List<ClientFailure>> _failuresByRound = [];
    private readonly List<LogEntry> _log = [];

    private RunView(RunSnapshot snapshot)
    {
        var detail = snapshot.Detail;
        Detail = detail;
        Summary = detail.Summary;
        Timeline = RunTimeline.From(detail.Rounds);
        Heatmap = snapshot.Heatmap;
        int clients = Math.Max(Heatmap.Clients, Math.Max(detail.Partitions.Count, detail.Spec?.Partition.Clients ?? 0));
        Clients = [.. Enumerable.Range(0, clients).Select(c =>
        {
            var p = detail.Partitions.FirstOrDefault(x => x.ClientId == c);
            return new ClientStats(c, p?.Examples ?? 0, p?.LabelCounts ?? []);
        })];
        foreach (var t in snapshot.ClientTotals.Where(t => t.ClientId >= 0 && t.ClientId < Clients.Count))
        {
            Clients[t.ClientId].AddTotals(t);
        }
        Log(detail.Summary.CreatedAt, "created");
        if (detail.Summary.StartedAt is DateTimeOffset started)
        {
            Log(started, "started" + (detail.Facts is { } f ? $" on {f.Device}: {f.ModelDisplayName}, {f.TrainableParameters:N0} of {f.TotalParameters:N0} parameters train" : ""));
        }
        foreach (var p in Timeline.Points.TakeLast(MaxLog))
        {
            LogRound(p);
        }
        if (detail.Summary.FinishedAt is DateTimeOffset finished)
        {
            Log(finished, Format.Status(detail.Summary.Status) + (detail.Summary.Error is string e ? ": " + e : ""), detail.Summary.Status is RunStatus.Failed or RunStatus.Interrupted);
        }
    }

    public const int MaxLog = 100;

    public RunDetail Detail { get; }
    public RunSummaryRow Summary { get; private set; }
    public RunTimeline Timeline { get; }
    public HeatmapRows Heatmap { get; }
    public IReadOnlyList<ClientStats> Clients { get; }
    public IReadOnlyList<LogEntry> LogEntries => _log;
    public int ClientsDoneInRound { get; private set; }

    public static RunView From(RunSnapshot snapshot) => new(snapshot);

    /// <summary>
    /// Applies live events. Returns the new rounds (to extend the charts) and, per new round, the client
    /// reports that arrived with it; <see cref="CompleteRound"/> then turns each into the round's client
    /// totals and heatmap row. A report can be missing when the page subscribed mid-round (the client
    /// finished before the subscription, the round after the snapshot): the page reads those from the store.
    /// </summary>
    public (IReadOnlyList<RoundPoint> Rounds, IReadOnlyList<RoundClients> Clients, bool NeedsReload) Apply(IReadOnlyList<RunEvent> events)
    {
        var rounds = new List<RoundPoint>();
        var clients = new List<RoundClients>();
        foreach (var e in events)
        {
            switch (e)
            {
                case RunStarted s:
                    if (s.FirstRound <= Timeline.LastRound)
                    {
                        return ([], [], true);
                    }
                    Summary = Summary with { Status = RunStatus.Running, StartedAt = Summary.StartedAt ?? s.Timestamp, Error = null, FinishedAt = null, TotalRounds = s.Spec.Training.Rounds };
                    Log(s.Timestamp, s.FirstRound == 0 ? "started" : $"resumed at round {s.FirstRound}");
                    break;
                case ClientRoundFinished c:
                    if (c.Metrics.Round > Timeline.LastRound)
                    {
                        if (!_clientRoundsByRound.TryGetValue(c.Metrics.Round, out var list))
                        {
                            _clientRoundsByRound[c.Metrics.Round] = list = [];
                        }
                        list.Add(c.Metrics);
                        ClientsDoneInRound = DoneIn(c.Metrics.Round);
                    }
                    break;
                case ClientRoundFailed f:
                    if (f.Failure.Round > Timeline.LastRound)
                    {
                        if (!_failuresByRound.TryGetValue(f.Failure.Round, out var failures))
                        {
                            _failuresByRound[f.Failure.Round] = failures = [];
                        }
                        failures.Add(f.Failure);
                        ClientsDoneInRound = DoneIn(f.Failure.Round);
                        Log(f.Timestamp, $"round {f.Failure.Round}: client {f.Failure.ClientId} failed: {HeatmapRows.FailureText(f.Failure.Kind, f.Failure.Reason)}", true);
                    }
                    break;
                case RoundFinished r when Timeline.Add(r) is RoundPoint point:
                    rounds.Add(point);
                    LogRound(point);
                    ClientsDoneInRound = 0;
                    var reported = _clientRoundsByRound.GetValueOrDefault(point.Round) ?? [];
                    var failed = _failuresByRound.GetValueOrDefault(point.Round) ?? [];
                    _clientRoundsByRound.Remove(point.Round);
                    _failuresByRound.Remove(point.Round);
                    if (point.Round > 0)
                    {
                        clients.Add(new RoundClients(point.Round, r.Metrics.Clients, reported, failed));
                    }
                    Summary = WithTotals(Summary with { RoundsDone = point.Round, TotalRounds = r.TotalRounds });
                    break;
                case RunFinished f:
                    Summary = Summary with { Status = RunStatus.Finished, FinishedAt = f.Timestamp };
                    Log(f.Timestamp, $"finished: best accuracy {Format.Percent(f.BestAccuracy)}, final {Format.Percent(f.FinalAccuracy)}");
                    break;
                case RunFailed f:
                    Summary = Summary with { Status = RunStatus.Failed, Error = f.Error, FinishedAt = f.Timestamp };
                    Log(f.Timestamp, "failed: " + f.Error, true);
                    break;
                case RunCancelled c:
                    Summary = Summary with { Status = RunStatus.Cancelled, FinishedAt = c.Timestamp };
                    Log(c.Timestamp, $"cancelled after {c.CompletedRounds} completed round(s)");
                    break;
                case Live.RunStatusChanged s when !s.Deleted:
                    Summary = Summary with { Status = s.Status, Error = s.Error };
                    Log(s.Timestamp, Format.Status(s.Status) + (s.Error is string err ? ": " + err : ""), s.Status is RunStatus.Failed or RunStatus.Interrupted);
                    break;
            }
        }
        return (rounds, clients, false);
    }

    /// <summary>Adds a round's client reports to the per-client totals; returns the round's heatmap row (failed cells marked).</summary>
    public HeatmapRow? CompleteRound(int round, RoundReports reports)
    {
        foreach (var m in reports.Finished.Where(m => m.ClientId >= 0 && m.ClientId < Clients.Count))
        {
            Clients[m.ClientId].Add(m.Round, m.TrainLoss, m.BytesUp, m.BytesDown, m.Flops, m.Seconds, m.Accuracy);
        }
        foreach (var f in reports.Failed.Where(f => f.ClientId >= 0 && f.ClientId < Clients.Count))
        {
            Clients[f.ClientId].AddFailure(f.BytesUp, f.BytesDown, f.Seconds);
        }
        return Heatmap.Clients > 0
            ? HeatmapRows.Row(Heatmap.Clients, round, reports.Finished.Select(m => (m.ClientId, m.TrainLoss)),
                reports.Failed.Select(f => (f.ClientId, HeatmapRows.FailureText(f.Kind, f.Reason))))
            : null;
    }

    /// <summary>Rounds read from the store while following a run of another process.</summary>
    public IReadOnlyList<RoundPoint> ApplyStored(RunSummaryRow summary, IReadOnlyList<RoundRow> rounds)
    {
        var added = new List<RoundPoint>();
        foreach (var r in rounds)
        {
            if (Timeline.Add(r) is RoundPoint p)
            {
                added.Add(p);
                LogRound(p);
            }
        }
        Summary = summary;
        return added;
    }

    private int DoneIn(int round) =>
        (_clientRoundsByRound.GetValueOrDefault(round)?.Count ?? 0) + (_failuresByRound.GetValueOrDefault(round)?.Count ?? 0);

    private RunSummaryRow WithTotals(RunSummaryRow s)
    {
        var points = Timeline.Points;
        var trained = points.Where(p => double.IsFinite(p.Accuracy)).ToList();
        return s with
        {
            // The store's rule (RoundSelection): chosen on validation, never round 0, else the final round.
            BestAccuracy = RoundSelection.Best(points.Select(p => (p.Round, p.Metric(EvaluationExtras.ValidationAccuracy)))) is { } best
                ? points.First(p => p.Round == best.Round).Accuracy : s.BestAccuracy,
            BestRound = RoundSelection.Best(points.Select(p => (p.Round, p.Metric(EvaluationExtras.ValidationAccuracy))))?.Round ?? s.BestRound,
            FinalAccuracy = trained.Count == 0 ? s.FinalAccuracy : trained[^1].Accuracy,
            BytesUp = points.Sum(p => p.Up.Total),
            BytesDown = points.Sum(p => p.Down.Total),
            ClientFlops = points.Sum(p => p.ClientTflops) * 1e12,
            Seconds = points.Sum(p => p.WallSeconds),
        };
    }

    private void LogRound(RoundPoint p) => Log(p.FinishedAt, string.Create(CultureInfo.InvariantCulture,
        $"round {p.Round}: accuracy {Format.Percent(p.Accuracy)}, loss {p.Loss:F4}, {(p.Up.Total + p.Down.Total) / 1e6:F2} MB, {p.ClientTflops:F3} client TFLOPs"));

    private void Log(DateTimeOffset at, string text, bool problem = false)
    {
        _log.Add(new LogEntry(at, text, problem));
        if (_log.Count > MaxLog)
        {
            _log.RemoveRange(0, _log.Count - MaxLog);
        }
    }
}
