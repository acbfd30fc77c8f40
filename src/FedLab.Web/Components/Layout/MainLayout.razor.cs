using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace FedLab.Web.Components.Layout;

/// <summary>
/// App bar, navigation and theme. The theme follows the browser's preference until the user toggles it; the
/// choice is kept in localStorage (fedlab.js) so the next page load starts with it.
/// </summary>
public sealed partial class MainLayout
{
    private MudThemeProvider? _themeProvider;
    private bool _dark;
    private bool _drawerOpen = true;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender)
        {
            return;
        }
        string? saved = null;
        try
        {
            saved = await JS.InvokeAsync<string?>("fedlab.getTheme");
        }
        catch (JSException)
        {
            // No storage (private mode); fall back to the system preference.
        }
        _dark = saved switch
        {
            "dark" => true,
            "light" => false,
            _ => _themeProvider is not null && await _themeProvider.GetSystemDarkModeAsync(),
        };
        StateHasChanged();
    }

    private async Task ToggleThemeAsync()
    {
        _dark = !_dark;
        try
        {
            await JS.InvokeVoidAsync("fedlab.setTheme", _dark ? "dark" : "light");
        }
        catch (JSException)
        {
            // Not persisted; the toggle still applies to this page.
        }
    }
}
