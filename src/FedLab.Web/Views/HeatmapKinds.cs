using FedLab.Engine.Runs;

namespace FedLab.Web.Views;

/// <summary>
/// How the heatmap marks a client round that did not count, by kind: dropped (unavailable: no work, no bytes), late
/// (worked, missed the deadline or was over-selected out) and error (its work failed). Each kind has its own colour
/// (and glyph on the canvas, so the marks do not rely on colour alone) and a legend entry; the failure's text
/// "kind: reason" is the hover text.
/// </summary>
public static class HeatmapKinds
{
    public const string Dropped = "dropped";
    public const string Late = "late";
    public const string Error = "error";

    /// <summary>The kinds in legend order.</summary>
    public static IReadOnlyList<string> All { get; } = [Dropped, Late, Error];

    /// <summary>Cell colours by kind (the canvas and the SVG download use these).</summary>
    public static IReadOnlyDictionary<string, string> Colours { get; } = new Dictionary<string, string>
    {
        [Dropped] = "#8d99ae",
        [Late] = "#f59f00",
        [Error] = "#d32f2f",
    };

    public static string Label(string kind) => kind switch
    {
        Dropped => "dropped: unavailable, did no work",
        Late => "late: missed the deadline (or over-selected out)",
        _ => "failed: an error in its work",
    };

    /// <summary>The kind of a failure's heatmap text "kind: reason" (older kinds "dropout" and "deadline" read as dropped and late).</summary>
    public static string Of(string failure)
    {
        int colon = failure.IndexOf(':', StringComparison.Ordinal);
        var kind = (colon < 0 ? failure : failure[..colon]).Trim();
        return kind switch
        {
            ClientFailureKinds.Dropped or ClientFailureKinds.Dropout => Dropped,
            ClientFailureKinds.Late or ClientFailureKinds.Deadline => Late,
            _ => Error,
        };
    }
}
