using System.Text.Json;
using FedLab.Data;
using FedLab.Engine.Frameworks;
using FedLab.Engine.Runs;
using FedLab.Web.Components.Charts;
using FedLab.Web.Live;
using FedLab.Web.Queue;
using FedLab.Web.Views;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FedLab.Web.Components.Pages;

/// <summary>
/// One run, live. The page subscribes to the run's events BEFORE it reads the stored snapshot, draws the
/// snapshot once, then applies events in batches (at most about ten a second): new rounds extend the charts,
/// nothing is redrawn. A run trained by another process (the CLI) is followed by polling the store.
/// </summary>
public sealed partial class RunDetail
{
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _cts = new();
    private RunSubscription? _subscription;
    private RunView? _view;
    private bool _missing;
    private int _generation;
    private long _droppedSeen;
    private bool _following;
    private SeriesChart? _accuracyChart;
    private SeriesChart? _lossChart;
    private SeriesChart? _computeChart;
    private SeriesChart? _privacyChart;
    private SeriesChart? _perplexityChart;
    private TrafficChart? _trafficChart;
    private ClientHeatmap? _heatmap;

    [Parameter]
    public Guid RunId { get; set; }

    [Inject] private RunStore Store { get; set; } = default!;
    [Inject] private RunBroadcaster Broadcaster { get; set; } = default!;
    [Inject] private RunQueue Queue { get; set; } = default!;
    [Inject] private ClientRoundReader ClientRounds { get; set; } = default!;
    [Inject] private RunSnapshotReader Snapshots { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private ILogger<RunDetail> Logger { get; set; } = default!;
    [Inject] private Microsoft.Extensions.Options.IOptions<FedLabSettings> Settings { get; set; } = default!;

    /// <summary>The rounds whose checkpoints this run keeps (last, best, every n-th): what a fork may start from.</summary>
    private IReadOnlyList<int> ForkableRounds => Data.RunCheckpointFiles.KeptRounds(Settings.Value.CheckpointDirectory, RunId);

    private IReadOnlyList<ChartSeries>? _accuracySeries;

    /// <summary>
    /// Each series names its split and the model it comes from (honest labels); the clients' own accuracy only where
    /// clients keep their own models; validation only with a validation split; the majority baseline as a reference
    /// line once round 0 reported the test split's classes. Fixed per drawing (a redraw builds it again), so live
    /// extensions always match the traces.
    /// </summary>
    private IReadOnlyList<ChartSeries> AccuracySeries => _accuracySeries ??= BuildAccuracySeries();

    private IReadOnlyList<ChartSeries> BuildAccuracySeries()
    {
        var source = AccuracySource;
        var baseline = Evaluation?.Baseline;
        var spec = _view?.Detail.Spec;
        bool validation = spec is not null && (spec.Dataset.ValidationSize is > 0 || (spec.Dataset.ValidationSize is null && spec.Dataset.ValidationFraction > 0))
            && FrameworkRegistry.Find(spec.Framework) is not null;
        // A generative run's accuracy is the exact match of its greedy answers, and it has no macro-F1 (no classes).
        string metric = HeadlineMetric;
        return
        [
            new(AccuracyLabels.Series(metric, "test", source), p => p.Accuracy, ChartPalette.Color(0)),
            .. IsGenerative ? Array.Empty<ChartSeries>() : [new ChartSeries(AccuracyLabels.Series("macro-F1", "test", source), p => p.MacroF1, ChartPalette.Color(1), Dashed: true)],
            .. validation ? [new ChartSeries(AccuracyLabels.Series(metric, "validation", source), p => p.Metric(EvaluationExtras.ValidationAccuracy), ChartPalette.Color(3), Dashed: true)] : Array.Empty<ChartSeries>(),
            .. ClientsKeepModels ? [new ChartSeries("accuracy (test; clients' own models, mean)", p => p.ClientAccuracyMean, ChartPalette.Color(2), Dashed: true)] : Array.Empty<ChartSeries>(),
            .. baseline is not null ? [new ChartSeries($"majority baseline (test; always “{Evaluation!.ClassName(baseline.MajorityClass)}”)", _ => baseline.Accuracy, "#9e9e9e", Dashed: true)] : Array.Empty<ChartSeries>(),
        ];
    }

    private string AccuracySource => _view is null ? AccuracyLabels.GlobalModel : AccuracyLabels.Source(_view.Summary.Framework, _view.Detail.Spec);

    private EvaluationView? Evaluation => _view is null ? null : EvaluationView.From(_view.Timeline.Points, _view.Detail.ClassNames, _view.Summary.Framework, _view.Detail.Spec);

    private bool ClientsKeepModels => _view is { } v
        && (v.Timeline.Points.Any(p => p.ClientAccuracyMean is not null) || FrameworkRegistry.Find(v.Summary.Framework)?.ClientsKeepOwnModels == true);

    private static IReadOnlyList<ChartSeries> LossSeries { get; } =
    [
        new("test loss", p => p.Loss, ChartPalette.Color(3)),
        new("train loss (clients)", p => p.TrainLoss, ChartPalette.Color(4), Dashed: true),
    ];

    /// <summary>A generative run (the spec's task): its headline is exact match, and it has a perplexity chart.</summary>
    private bool IsGenerative => _view?.Detail.Spec is { } spec && Engine.Tasks.TaskSpecExtensions.IsGenerative(spec);

    private string HeadlineMetric => IsGenerative ? "exact match" : "accuracy";

    private static IReadOnlyList<ChartSeries> PerplexitySeries { get; } =
    [
        new("test perplexity", p => p.Metric(EvaluationExtras.TestPerplexity), ChartPalette.Color(0)),
        new("validation perplexity", p => p.Metric("validation.perplexity"), ChartPalette.Color(3), Dashed: true),
    ];

    private static IReadOnlyList<ChartSeries> PrivacySeries { get; } =
    [
        new("ε", p => p.Metric("privacy.epsilon"), ChartPalette.Color(0)),
        new("ε budget", p => p.Metric("privacy.epsilonBudget"), ChartPalette.Color(3), Dashed: true),
        new("clipping norm", p => p.Metric("privacy.clipNorm"), ChartPalette.Color(2), SecondAxis: true),
    ];

    /// <summary>The privacy chart, for runs whose spec asks for DP.</summary>
    private bool ShowsPrivacy => _view?.Detail.Spec?.Privacy is not null;

    private static IReadOnlyList<ChartSeries> ComputeSeries { get; } =
    [
        new("client TFLOPs", p => p.ClientTflops, ChartPalette.Color(5), Bar: true),
        new("client seconds", p => p.ClientSeconds, ChartPalette.Color(1), SecondAxis: true),
    ];

    private int ClientsPerRound => _view?.Detail.Spec is { } spec
        ? Math.Max(1, (int)Math.Ceiling(spec.Partition.Clients * spec.Training.ClientFraction))
        : 0;

    private IReadOnlyList<int[]> Histograms => _view is null ? [] : [.. _view.Detail.Partitions.Select(p => p.LabelCounts.ToArray())];

    private string SpecText
    {
        get
        {
            if (_view is null)
            {
                return "";
            }
            return FormatSpec(_view.Detail.SpecJson);
        }
    }

    private static readonly JsonSerializerOptions SpecDisplay = new()
    {
        WriteIndented = true,
        // The page HTML-encodes the text itself; JSON's default escaping would show "·" as \u00B7.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The stored spec, indented, with every character as itself.</summary>
    public static string FormatSpec(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(doc.RootElement, SpecDisplay);
    }

    protected override async Task OnInitializedAsync()
    {
        // Register first: every event after this point is either in the snapshot below or in the stream.
        _subscription = Broadcaster.Subscribe(RunId);
        await LoadAsync();
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (!_following && _view is not null)
        {
            _following = true;
            if (_subscription is not null)
            {
                _ = LiveFeed.FollowAsync(_subscription, BatchWindow, Time, batch => InvokeAsync(() => ApplyAsync(batch)), Logger, _cts.Token);
            }
            _ = PollOtherProcessAsync(_cts.Token);
        }
    }

    private async Task LoadAsync()
    {
        var snapshot = await Snapshots.ReadAsync(RunId, _cts.Token);
        if (snapshot is null)
        {
            _missing = true;
            return;
        }
        _view = RunView.From(snapshot);
        _accuracySeries = null;
        _droppedSeen = _subscription?.Dropped ?? 0;
    }

    private async Task ApplyAsync(IReadOnlyList<RunEvent> batch)
    {
        if (_view is null || _cts.IsCancellationRequested)
        {
            return;
        }
        bool deleted = batch.Any(e => e is RunStatusChanged { Deleted: true });
        if (deleted)
        {
            _missing = true;
            _view = null;
            StateHasChanged();
            return;
        }
        // A page opened while the run was queued has no partition yet; the recorder stores it (first in the
        // fan-out) before the page hears RunStarted, so re-reading fills the histograms and client table.
        bool partitionArrived = _view.Detail.Partitions.Count == 0 && batch.Any(e => e is RunStarted);
        var (rounds, roundClients, needsReload) = _view.Apply(batch);
        if (needsReload || partitionArrived || (_subscription?.Dropped ?? 0) > _droppedSeen)
        {
            // Missed events (or a resume that replays rounds): the store has everything; draw it again.
            await RedrawFromStoreAsync();
            return;
        }
        try
        {
            await ExtendChartsAsync(rounds, roundClients);
        }
        catch (Exception ex) when (!_cts.IsCancellationRequested && ex is not Microsoft.JSInterop.JSDisconnectedException)
        {
            // The page is alive but a chart call failed (a chart being replaced by a redraw is disposed, a JS
            // call timed out): that must not leave the page stale (status, tables) or stop following. The
            // store has every round, so draw it again from there.
            Logger.LogWarning(ex, "run {RunId}: extending the charts failed; redrawing from the store", RunId);
            await RedrawFromStoreAsync();
            return;
        }
        StateHasChanged();
    }

    private async Task RedrawFromStoreAsync()
    {
        await LoadAsync();
        _generation++;
        StateHasChanged();
    }

    private async Task ExtendChartsAsync(IReadOnlyList<RoundPoint> rounds, IReadOnlyList<RoundClients> roundClients)
    {
        if (_view is null)
        {
            return;
        }
        var rows = new List<HeatmapRow>();
        foreach (var rc in roundClients)
        {
            var reports = rc.IsComplete ? rc.Reports : await ClientRounds.ReadAsync(RunId, rc.Round, _cts.Token);
            if (_view.CompleteRound(rc.Round, reports) is HeatmapRow row)
            {
                rows.Add(row);
            }
        }
        if (rounds.Count > 0)
        {
            await Task.WhenAll(
                _accuracyChart?.AppendAsync(rounds) ?? Task.CompletedTask,
                _lossChart?.AppendAsync(rounds) ?? Task.CompletedTask,
                _computeChart?.AppendAsync(rounds) ?? Task.CompletedTask,
                _privacyChart?.AppendAsync(rounds) ?? Task.CompletedTask,
                _perplexityChart?.AppendAsync(rounds) ?? Task.CompletedTask,
                _trafficChart?.AppendAsync(rounds) ?? Task.CompletedTask,
                _heatmap?.AppendAsync(rows) ?? Task.CompletedTask);
        }
    }

    /// <summary>A run that is Running but not in this process's queue is being trained elsewhere (the CLI): poll.</summary>
    private async Task PollOtherProcessAsync(CancellationToken ct)
    {
        try
        {
            using var timer = new PeriodicTimer(PollInterval, Time);
            while (await timer.WaitForNextTickAsync(ct))
            {
                if (_view is not { } view || view.Summary.Status is not (RunStatus.Running or RunStatus.Queued) || Queue.IsRunning(RunId) || Queue.IsWaiting(RunId))
                {
                    continue;
                }
                var summary = await Store.GetRunSummaryAsync(RunId, ct);
                if (summary is null || (summary.RoundsDone == view.Summary.RoundsDone && summary.Status == view.Summary.Status))
                {
                    continue;
                }
                // Another process records this run; its rounds (with their client rows) are on disk.
                var fresh = await Snapshots.ReadRoundsAsync(RunId, ct);
                if (fresh is not null)
                {
                    await InvokeAsync(async () =>
                    {
                        var added = view.ApplyStored(summary, fresh);
                        var rows = new List<HeatmapRow>();
                        foreach (var p in added.Where(p => p.Round > 0))
                        {
                            if (view.CompleteRound(p.Round, await ClientRounds.ReadAsync(RunId, p.Round, ct)) is HeatmapRow row)
                            {
                                rows.Add(row);
                            }
                        }
                        if (added.Count > 0)
                        {
                            await Task.WhenAll(_accuracyChart?.AppendAsync(added) ?? Task.CompletedTask, _lossChart?.AppendAsync(added) ?? Task.CompletedTask,
                                _computeChart?.AppendAsync(added) ?? Task.CompletedTask, _trafficChart?.AppendAsync(added) ?? Task.CompletedTask,
                                _privacyChart?.AppendAsync(added) ?? Task.CompletedTask, _perplexityChart?.AppendAsync(added) ?? Task.CompletedTask,
                                _heatmap?.AppendAsync(rows) ?? Task.CompletedTask);
                        }
                        StateHasChanged();
                    });
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The page closed.
        }
        catch (Exception ex) when (ex is Microsoft.JSInterop.JSDisconnectedException or ObjectDisposedException)
        {
            // The circuit went away.
        }
        catch (Exception ex)
        {
            Logger.LogWarning(ex, "polling run {RunId} stopped", RunId);
        }
    }

    private async Task CancelAsync()
    {
        var result = await Queue.CancelAsync(RunId, _cts.Token);
        Snackbar.Add(result.Ok ? "Cancelling: the run stops after the current batch." : result.Problem ?? "cannot cancel", result.Ok ? Severity.Info : Severity.Warning);
    }

    private async Task ResumeAsync()
    {
        try
        {
            var result = await Queue.ResumeAsync(RunId, _cts.Token);
            Snackbar.Add(result.Ok ? "Queued: the run continues after its last recorded round." : result.Problem ?? "cannot resume", result.Ok ? Severity.Info : Severity.Warning);
        }
        catch (QueueFullException ex)
        {
            Snackbar.Add(ex.Message, Severity.Warning);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _subscription?.Dispose();
        _cts.Dispose();
    }
}
