using System.Globalization;

namespace FedLab.Web.Components.Shared;

/// <summary>How numbers and times read in the dashboard (invariant culture, fixed precision).</summary>
public static class Format
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Percent(double? value) => value is double v && !double.IsNaN(v) ? (v * 100).ToString("F1", C) + " %" : "–";

    public static string Number(double? value, string format = "F3") => value is double v && !double.IsNaN(v) ? v.ToString(format, C) : "–";

    public static string Mb(long bytes) => (bytes / 1e6).ToString(bytes < 10_000_000 ? "F2" : "F1", C);

    public static string Tflops(double flops) => (flops / 1e12).ToString(flops < 1e13 ? "F3" : "F1", C);

    public static string Duration(double seconds)
    {
        if (double.IsNaN(seconds) || seconds <= 0)
        {
            return "–";
        }
        var t = TimeSpan.FromSeconds(seconds);
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h {t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m {t.Seconds:D2}s" : $"{seconds.ToString("F1", C)} s";
    }

    public static string Time(DateTimeOffset? at) => at is DateTimeOffset t ? t.ToLocalTime().ToString("yyyy-MM-dd HH:mm", C) : "–";

    public static string Status(FedLab.Engine.Runs.RunStatus status) => FedLab.Data.RunStatusNames.Name(status);
}
