namespace FedLab.Web.Components.Charts;

/// <summary>Trace colours, distinguishable in light and dark themes (Okabe-Ito, colour-blind safe, plus extras).</summary>
public static class ChartPalette
{
    public static IReadOnlyList<string> Colors { get; } =
    [
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#7f7f7f",
        "#8c564b", "#17becf", "#bcbd22", "#9467bd",
    ];

    public static string Color(int index) => Colors[((index % Colors.Count) + Colors.Count) % Colors.Count];
}
