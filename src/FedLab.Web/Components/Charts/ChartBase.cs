using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Plotly.Blazor;
using PlotLayout = Plotly.Blazor.Layout;

namespace FedLab.Web.Components.Charts;

/// <summary>
/// What every chart shares: the Plotly figure (data, layout, config), the theme (a change relayouts, never
/// redraws), and a hook that runs once the first draw is done, so updates made meanwhile are not lost or
/// drawn twice.
/// </summary>
public abstract class ChartBase : ComponentBase
{
    private bool _layoutDark;
    private bool _themeChangedBeforeDraw;

#pragma warning disable CA1051 // the derived .razor files bind these to <PlotlyChart>
    protected PlotlyChart? Chart;
    protected IList<ITrace> Data = [];
    protected PlotLayout Layout = new();
    protected readonly Config Config = ChartLayouts.Config();
#pragma warning restore CA1051

    [Parameter, EditorRequired]
    public string Id { get; set; } = "";

    [CascadingParameter(Name = "DarkMode")]
    public bool Dark { get; set; }

    /// <summary>True once Plotly has drawn the figure; from then on changes go through extend/relayout calls.</summary>
    protected bool Plotted { get; private set; }

    protected override void OnInitialized()
    {
        Layout = CreateLayout();
        _layoutDark = Dark;
        ChartLayouts.ApplyTheme(Layout, Dark);
        Initialize();
    }

    protected abstract PlotLayout CreateLayout();

    protected abstract void Initialize();

    protected override async Task OnParametersSetAsync()
    {
        if (_layoutDark != Dark)
        {
            _layoutDark = Dark;
            ChartLayouts.ApplyTheme(Layout, Dark);
            if (Plotted && Chart is not null)
            {
                await Chart.Relayout();
            }
            else
            {
                // The first draw may already be on its way with the old colours: relayout after it.
                _themeChangedBeforeDraw = true;
            }
        }
        await OnParametersChangedAsync();
    }

    protected virtual Task OnParametersChangedAsync() => Task.CompletedTask;

    /// <summary>Runs after the first draw (e.g. extends the figure with points that arrived meanwhile).</summary>
    protected virtual Task OnPlottedAsync() => Task.CompletedTask;

    /// <summary>PlotlyChart's AfterRender callback.</summary>
    protected async void OnPlotted()
    {
        Plotted = true;
        try
        {
            await InvokeAsync(async () =>
            {
                if (_themeChangedBeforeDraw && Chart is not null)
                {
                    _themeChangedBeforeDraw = false;
                    await Chart.Relayout();
                }
                await OnPlottedAsync();
            });
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or TaskCanceledException or ObjectDisposedException)
        {
            // The page went away meanwhile.
        }
    }
}
