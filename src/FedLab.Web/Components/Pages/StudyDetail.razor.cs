using System.Net;
using FedLab.Data.Studies;
using FedLab.Data.Studies.Export;
using FedLab.Engine.Runs;
using FedLab.Engine.Studies;
using FedLab.Web.Studies;
using Microsoft.AspNetCore.Components;

namespace FedLab.Web.Components.Pages;

/// <summary>
/// A study, live: the grid of configurations by seed with each run's status, progress and time left, the actions,
/// the deployment profile (presets or custom values; every stored run re-costed at once), the crossovers, the summary
/// table and the figures (the same SVG the CLI writes) with their SVG/PNG downloads. Refreshed every two seconds
/// from the store, so runs the CLI records in another process show too.
/// </summary>
public sealed partial class StudyDetail
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _cts = new();
    private StudyResults? _results;
    private IReadOnlyList<StudyFigures.Figure> _figures = [];
    private DeploymentProfile _profile = DeploymentPresets.LaptopBroadband;
    private string _profileName = DeploymentPresets.LaptopBroadband.Name;
    private string? _custom;
    private string? _profileError;
    private string? _message;
    private int? _newSeed;
    private bool _missing;
    private Task? _poll;

    [Parameter] public Guid Id { get; set; }

    [Inject] private StudyService Service { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private ILogger<StudyDetail> Logger { get; set; } = default!;

    protected override async Task OnParametersSetAsync() => await LoadAsync(_cts.Token);

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && !_missing)
        {
            _poll = PollAsync(_cts.Token);
        }
    }

    private async Task PollAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(RefreshInterval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                if (_results is { } r && r.State.Active == 0 && r.State.Runs.All(x => x.Run is not null))
                {
                    continue; // nothing is moving; actions reload explicitly
                }
                await LoadAsync(ct);
                await InvokeAsync(StateHasChanged);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or Microsoft.Data.Sqlite.SqliteException)
        {
            Logger.LogWarning(ex, "study page refresh stopped");
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var results = await Service.AnalyseAsync(Id, _profile, ct);
        _missing = results is null;
        _results = results;
        _figures = results is null ? [] : StudyFigures.All(results, Api.StudyEndpoints.Profiles(_profile));
    }

    private async Task OnProfileChanged(string name)
    {
        _profileName = name;
        _profileError = null;
        if (DeploymentPresets.Find(name) is { } preset)
        {
            _profile = preset;
            await LoadAsync(_cts.Token);
        }
    }

    private async Task ApplyCustomAsync()
    {
        try
        {
            _profile = DeploymentProfileText.Parse(_custom ?? "");
            _profileError = null;
            await LoadAsync(_cts.Token);
        }
        catch (RunSpecException ex)
        {
            _profileError = string.Join("; ", ex.Errors);
        }
    }

    private async Task ActAsync(Func<StudyState, CancellationToken, Task<int>> action)
    {
        if (_results is null)
        {
            return;
        }
        try
        {
            int n = await action(_results.State, _cts.Token);
            _message = $"{n} run(s) affected.";
        }
        catch (Queue.QueueFullException ex)
        {
            _message = ex.Message;
        }
        await LoadAsync(_cts.Token);
    }

    private async Task AddSeedAsync()
    {
        if (_results is null || _newSeed is not int seed)
        {
            return;
        }
        try
        {
            var (runs, errors) = await Service.AddSeedAsync(_results.State, seed, _cts.Token);
            _message = errors.Count > 0 ? string.Join("; ", errors) : $"seed {seed} added: {runs} run(s) queued.";
        }
        catch (Queue.QueueFullException ex)
        {
            _message = ex.Message;
        }
        await LoadAsync(_cts.Token);
    }

    private string ProfileQuery => "profile=" + WebUtility.UrlEncode(DeploymentPresets.Find(_profile.Name) is null
        ? FormattableString.Invariant($"clientGflops={_profile.ClientGflops},serverGflops={_profile.ServerGflops},upMbps={_profile.UpMbps},downMbps={_profile.DownMbps},rttMs={_profile.RttMs}")
        : _profile.Name);

    private string Export(string file) => $"/api/studies/{Id}/export/{file}?{ProfileQuery}";

    private string Figure(string file) => $"/api/studies/{Id}/figures/{file}?{ProfileQuery}";

    private static string SummaryHtml(StudyResults results)
    {
        var md = StudyTables.Markdown(results).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var sb = new System.Text.StringBuilder("<table class=\"mud-table-root\" style=\"font-size: 13px\">");
        for (int i = 0; i < md.Length; i++)
        {
            if (i == 1)
            {
                continue;
            }
            var tag = i == 0 ? "th" : "td";
            sb.Append("<tr>");
            foreach (var c in md[i].Trim().Trim('|').Split(" | "))
            {
                sb.Append($"<{tag} style=\"padding: 2px 8px; text-align: left\">{WebUtility.HtmlEncode(c.Trim().Replace("\\|", "|", StringComparison.Ordinal))}</{tag}>");
            }
            sb.Append("</tr>");
        }
        return sb.Append("</table>").ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        if (_poll is not null)
        {
            await _poll;
        }
        _cts.Dispose();
    }
}
