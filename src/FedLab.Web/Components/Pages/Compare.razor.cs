using FedLab.Data;
using FedLab.Web.Components.Charts;
using FedLab.Web.Components.Shared;
using FedLab.Web.Live;
using FedLab.Web.Views;
using Microsoft.AspNetCore.Components;

namespace FedLab.Web.Components.Pages;

/// <summary>
/// Any selection of stored runs side by side: accuracy against rounds, MB and client TFLOPs; best/final
/// metrics and the cost to a target accuracy; the spec fields that differ; CSV/JSON export. The selection
/// lives in the URL (?ids=...), so a comparison can be bookmarked and shared. While compared runs train (an
/// experiment just started), the page re-reads them every couple of seconds.
/// </summary>
public sealed partial class Compare : IDisposable
{
    public const int MaxRuns = 20;
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _cts = new();
    private IReadOnlyList<Guid> _ids = [];
    private IReadOnlyList<RunSeries> _series = [];
    private IReadOnlyList<RunMetricSummary> _summaries = [];
    private IReadOnlyList<SpecDiff.Row> _diff = [];
    private IReadOnlyList<RunSummaryRow> _recent = [];
    private Dictionary<Guid, string> _names = [];
    private IReadOnlyList<OverlayLine> _byRound = [];
    private IReadOnlyList<OverlayLine> _byMb = [];
    private IReadOnlyList<OverlayLine> _byTflops = [];
    private IReadOnlyList<OverlayLine> _bySimulated = [];
    private string _profileName = Engine.Studies.DeploymentPresets.LaptopBroadband.Name;
    private double _targetPercent = 80;
    private double _targetMacroF1 = 0.8;
    private bool _targetChosen;
    private bool _targetMacroF1Chosen;
    private string? _defaultTargetNote;
    private Dictionary<Guid, string> _sources = [];
    private bool _logCost;
    private bool _loading = true;
    private RunSubscription? _subscription;

    [SupplyParameterFromQuery(Name = "ids")]
    public string? Ids { get; set; }

    [SupplyParameterFromQuery(Name = "target")]
    public double? Target { get; set; }

    [Inject] private RunStore Store { get; set; } = default!;
    [Inject] private RunVariants StoredSpecs { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private RunBroadcaster Broadcaster { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private ILogger<Compare> Logger { get; set; } = default!;

    protected override void OnInitialized()
    {
        _subscription = Broadcaster.SubscribeAll();
        _ = LiveFeed.FollowAsync(_subscription, RefreshInterval, Time, ApplyAsync, Logger, _cts.Token);
    }

    private async Task ApplyAsync(IReadOnlyList<Engine.Runs.RunEvent> batch)
    {
        if (batch.Any(e => _ids.Contains(e.RunId) && e is Engine.Runs.RoundFinished or Engine.Runs.RunStarted or Engine.Runs.RunFinished or Engine.Runs.RunFailed or Engine.Runs.RunCancelled))
        {
            await InvokeAsync(async () =>
            {
                await LoadAsync();
                StateHasChanged();
            });
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        _ids = [.. (Ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Guid.TryParse(s, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).Distinct().Take(MaxRuns)];
        if (Target is double t && t is > 0 and <= 100)
        {
            _targetPercent = t;
            _targetChosen = true;
        }
        _loading = true;
        var page = await Store.ListRunsAsync(new RunListQuery { PageSize = 100 }, _cts.Token);
        _recent = page.Items;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _series = _ids.Count == 0 ? [] : await Store.GetSeriesAsync(_ids, _cts.Token);
        ApplyDefaultTargets();
        _summaries = _ids.Count == 0 ? [] : await Store.GetSummariesAsync(_ids, _targetPercent / 100, _targetMacroF1, _cts.Token);
        _names = _recent.ToDictionary(r => r.Id, r => r.Name);
        foreach (var (id, name) in ShortNames(_series.Select(s => (s.RunId, s.Name)).ToList()))
        {
            _names[id] = name;
        }
        var specs = await StoredSpecs.SpecJsonAsync(_series.Select(s => s.RunId).ToList(), _cts.Token);
        _sources = _series.ToDictionary(s => s.RunId, s => AccuracyLabels.Source(s.Framework, ParsedOrNull(specs.GetValueOrDefault(s.RunId))));
        _diff = _series.Count < 2 ? [] : SpecDiff.Compare([.. _series.Select(s => specs.GetValueOrDefault(s.RunId, "{}"))]);
        _byRound = [.. Lines(s => s.Rounds.Select(r => (double)r).ToList()), .. BaselineLines()];
        _byMb = Lines(s => s.CumulativeMbUp.Zip(s.CumulativeMbDown, (u, d) => u + d).ToList());
        _byTflops = Lines(s => s.CumulativeClientTflops);
        await LoadSimulatedAsync();
        _loading = false;
    }

    /// <summary>
    /// Accuracy against simulated time under the chosen deployment profile (the studies' what-if: each stored round's
    /// exact bytes, analytic FLOPs and message pattern on the profile's links and devices).
    /// </summary>
    private async Task LoadSimulatedAsync()
    {
        var profile = Engine.Studies.DeploymentPresets.Find(_profileName) ?? Engine.Studies.DeploymentPresets.LaptopBroadband;
        var seconds = new Dictionary<Guid, IReadOnlyList<double>>();
        foreach (var s in _series)
        {
            if (await Store.GetRunAsync(s.RunId, _cts.Token) is { } detail)
            {
                seconds[s.RunId] = Engine.Studies.WhatIfClock.Cumulative(Data.Studies.StudyAnalysis.RoundCosts(detail).Rounds, profile);
            }
        }
        _bySimulated = [.. Lines(s => seconds.TryGetValue(s.RunId, out var t) && t.Count == s.Count ? t : [.. Enumerable.Repeat(double.NaN, s.Count)])];
    }

    private async Task SetProfileAsync(string name)
    {
        _profileName = name;
        await LoadSimulatedAsync();
    }

    /// <summary>Each run's line says what model its accuracy comes from; a series of a different kind is dashed.</summary>
    private IReadOnlyList<OverlayLine> Lines(Func<RunSeries, IReadOnlyList<double>> x) =>
        [.. _series.Select(s => new OverlayLine($"{_names.GetValueOrDefault(s.RunId, s.Name)} ({SourceOf(s.RunId)})", x(s), s.Accuracy, ColorOf(s.RunId))
            { Dashed = AccuracyLabels.IsDifferentKind(SourceOf(s.RunId)) })];

    /// <summary>The majority baseline of each distinct test split, as a grey reference line across the rounds.</summary>
    private IEnumerable<OverlayLine> BaselineLines()
    {
        int last = _series.SelectMany(s => s.Rounds).DefaultIfEmpty(0).Max();
        foreach (var baseline in _series.Select(s => s.Baseline).OfType<Engine.Runs.MajorityBaseline>().Distinct())
        {
            yield return new OverlayLine($"majority baseline (test, n={baseline.Examples})", [0, Math.Max(1, last)], [baseline.Accuracy, baseline.Accuracy], "#9e9e9e") { Dashed = true };
        }
    }

    private string SourceOf(Guid runId) => _sources.GetValueOrDefault(runId, AccuracyLabels.GlobalModel);

    private static Engine.Runs.RunSpec? ParsedOrNull(string? json)
    {
        if (json is null)
        {
            return null;
        }
        try
        {
            return Engine.Runs.RunSpecJson.Parse(json);
        }
        catch (Engine.Runs.RunSpecException)
        {
            return null; // an older engine's spec: the label falls back to "global model"
        }
    }

    /// <summary>
    /// Unless the URL or the user set them, the targets lie halfway between the highest majority baseline of the
    /// compared runs and 100% (accuracy) or 1 (macro-F1): above what a constant predictor gets for free.
    /// </summary>
    private void ApplyDefaultTargets()
    {
        var baselines = _series.Select(s => s.Baseline).OfType<Engine.Runs.MajorityBaseline>().ToList();
        if (baselines.Count == 0)
        {
            _defaultTargetNote = null;
            return;
        }
        var highest = baselines.MaxBy(b => b.Accuracy)!;
        if (!_targetChosen)
        {
            _targetPercent = Math.Ceiling(highest.DefaultTarget * 1000) / 10;
        }
        if (!_targetMacroF1Chosen)
        {
            _targetMacroF1 = Math.Ceiling(baselines.Max(b => b.DefaultMacroF1Target) * 100) / 100;
        }
        _defaultTargetNote = $"majority baseline {Format.Percent(highest.Accuracy)}";
    }

    /// <summary>
    /// An experiment's runs are named "base · framework": the shared "base · " is dropped from legends and
    /// headers so what differs is readable.
    /// </summary>
    public static IEnumerable<(Guid Id, string Name)> ShortNames(IReadOnlyList<(Guid Id, string Name)> runs)
    {
        const string separator = " · ";
        if (runs.Count < 2)
        {
            return runs;
        }
        var first = runs[0].Name;
        int cut = first.LastIndexOf(separator, StringComparison.Ordinal);
        while (cut > 0)
        {
            var prefix = first[..(cut + separator.Length)];
            if (runs.All(r => r.Name.StartsWith(prefix, StringComparison.Ordinal) && r.Name.Length > prefix.Length))
            {
                return runs.Select(r => (r.Id, r.Name[prefix.Length..]));
            }
            cut = first.LastIndexOf(separator, cut - 1, StringComparison.Ordinal);
        }
        return runs;
    }

    private string ColorOf(Guid runId)
    {
        int index = _ids.ToList().IndexOf(runId);
        return ChartPalette.Color(index < 0 ? 0 : index);
    }

    private string ExportHref(string format) => $"/api/runs/export?ids={string.Join(",", _ids)}&format={format}";

    private Task SelectAsync(IEnumerable<Guid>? ids)
    {
        var list = (ids ?? []).Take(MaxRuns).ToList();
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("ids", list.Count == 0 ? null : string.Join(",", list)));
        return Task.CompletedTask;
    }

    private async Task SetTargetAsync(double percent)
    {
        _targetPercent = Math.Clamp(percent, 0, 100);
        _targetChosen = true;
        _summaries = _ids.Count == 0 ? [] : await Store.GetSummariesAsync(_ids, _targetPercent / 100, _targetMacroF1, _cts.Token);
    }

    private async Task SetMacroF1TargetAsync(double target)
    {
        _targetMacroF1 = Math.Clamp(target, 0, 1);
        _targetMacroF1Chosen = true;
        _summaries = _ids.Count == 0 ? [] : await Store.GetSummariesAsync(_ids, _targetPercent / 100, _targetMacroF1, _cts.Token);
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _cts.Cancel();
        _cts.Dispose();
    }

    /// <summary>ε after the last round and the mean fraction of selected clients that contributed; "–" for perfect clients.</summary>
    internal static string Realism(RunMetricSummary run)
    {
        var parts = new List<string>();
        if (run.Epsilon is double epsilon)
        {
            parts.Add("ε " + epsilon.ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
        }
        if (run.Completion is double completion)
        {
            parts.Add(Format.Percent(completion) + " completing");
        }
        return parts.Count == 0 ? "–" : string.Join(" · ", parts);
    }
}
