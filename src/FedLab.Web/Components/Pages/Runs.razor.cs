using FedLab.Data;
using FedLab.Engine.Runs;
using FedLab.Web.Live;
using FedLab.Web.Queue;
using FedLab.Web.Views;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FedLab.Web.Components.Pages;

/// <summary>
/// The run list: server-side paging, filtering and sorting through RunStore.ListRunsAsync (one page of rows
/// per query, however many runs there are), a selection that survives paging for Compare, and a live
/// refresh (at most once a second) while runs change status or finish rounds.
/// </summary>
public sealed partial class Runs
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _cts = new();
    private readonly HashSet<Guid> _selected = [];
    private MudTable<RunSummaryRow>? _table;
    private RunSubscription? _subscription;
    private RunFilterOptions _options = new([], [], []);
    private IReadOnlyDictionary<Guid, string> _variants = new Dictionary<Guid, string>();
    private string? _text;
    private string? _framework;
    private string? _model;
    private string? _dataset;
    private RunStatus? _status;
    private bool _following;

    [Inject] private RunStore Store { get; set; } = default!;
    [Inject] private RunVariants Variants { get; set; } = default!;
    [Inject] private RunBroadcaster Broadcaster { get; set; } = default!;
    [Inject] private RunQueue Queue { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private ILogger<Runs> Logger { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    /// <summary>The query the table's current state maps to (tests read it).</summary>
    public RunListQuery? LastQuery { get; private set; }

    private string CompareHref => "/compare?ids=" + string.Join(",", _selected);

    protected override async Task OnInitializedAsync()
    {
        _subscription = Broadcaster.SubscribeAll();
        _options = await Store.GetFilterOptionsAsync(_cts.Token);
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && !_following && _subscription is not null)
        {
            _following = true;
            _ = LiveFeed.FollowAsync(_subscription, RefreshInterval, Time, _ => RefreshAsync(_cts.Token), Logger, _cts.Token);
        }
    }

    private async Task<TableData<RunSummaryRow>> LoadPageAsync(TableState state, CancellationToken ct)
    {
        var query = new RunListQuery
        {
            Page = state.Page + 1,
            PageSize = Math.Clamp(state.PageSize, 1, RunListQuery.MaxPageSize),
            Text = string.IsNullOrWhiteSpace(_text) ? null : _text.Trim(),
            Framework = _framework,
            Model = _model,
            Dataset = _dataset,
            Status = _status,
            SortBy = Enum.TryParse<RunSortColumn>(state.SortLabel, out var column) && state.SortDirection != SortDirection.None ? column : RunSortColumn.Created,
            Descending = state.SortDirection != SortDirection.Ascending,
        };
        LastQuery = query;
        var page = await Store.ListRunsAsync(query, ct);
        _variants = await Variants.DescribeAsync([.. page.Items.Select(r => r.Id)], ct);
        return new TableData<RunSummaryRow> { Items = page.Items, TotalItems = page.Total };
    }

    private Task RefreshAsync(CancellationToken ct) => InvokeAsync(async () =>
    {
        if (_table is not null)
        {
            _options = await Store.GetFilterOptionsAsync(ct);
            await _table.ReloadServerData();
        }
    });

    private Task OnTextChanged(string? text)
    {
        _text = text;
        return ReloadAsync();
    }

    private Task OnStatusChanged(RunStatus? status)
    {
        _status = status;
        return ReloadAsync();
    }

    private Task SetFilter(ref string? field, string? value)
    {
        field = value;
        return ReloadAsync();
    }

    private Task ReloadAsync() => _table?.ReloadServerData() ?? Task.CompletedTask;

    private void Select(Guid id, bool selected)
    {
        if (selected)
        {
            _selected.Add(id);
        }
        else
        {
            _selected.Remove(id);
        }
    }

    private async Task DeleteAsync(RunSummaryRow run)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete run?", $"Delete \"{run.Name}\" with its rounds and checkpoints? This cannot be undone.", yesText: "Delete", cancelText: "Keep");
        if (confirmed != true)
        {
            return;
        }
        var result = await Queue.DeleteAsync(run.Id, _cts.Token);
        if (result.Ok)
        {
            _selected.Remove(run.Id);
            Snackbar.Add($"Deleted \"{run.Name}\".", Severity.Success);
            await ReloadAsync();
        }
        else
        {
            Snackbar.Add(result.Problem ?? "could not delete", Severity.Warning);
        }
    }

    /// <summary>An uploaded file's dataset shows its file name, without the storage prefix or content hash.</summary>
    public static string DatasetLabel(string dataset) => Engine.Datasets.DatasetReference.Label(dataset);

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _subscription?.Dispose();
        _cts.Dispose();
    }
}
