using MudBlazor;

namespace FedLab.Web.Components.Layout;

/// <summary>The dashboard's palette, light and dark; charts take their colours from the same values.</summary>
public static class FedLabTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3559c7",
            Secondary = "#00897b",
            AppbarBackground = "#24315e",
            Background = "#f6f7fb",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8ea8ff",
            Secondary = "#4db6ac",
            AppbarBackground = "#1b1f2e",
            Background = "#12141c",
            Surface = "#1c2030",
            DrawerBackground = "#171a26",
        },
    };
}
