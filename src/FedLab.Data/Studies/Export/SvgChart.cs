using System.Globalization;
using System.Net;
using System.Text;

namespace FedLab.Data.Studies.Export;

/// <summary>
/// A small paper-style chart written as SVG by hand (no browser): lines with 95% bands, scatter points with error
/// bars (dominated points grey), vertical markers, linear or log x axis, light theme on an opaque white background.
/// The same SVG is what the study page shows and what the PNG export rasterises.
/// </summary>
public sealed class SvgChart
{
    public static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];

    public required string Title { get; init; }
    public required string XLabel { get; init; }
    public required string YLabel { get; init; }
    public bool LogX { get; init; }
    public bool LogY { get; init; }
    /// <summary>What an empty chart says (no finished run yet, or no configuration reached the target).</summary>
    public string EmptyText { get; init; } = "no finished runs yet";
    public List<ChartSeries> Series { get; } = [];
    public List<(double X, string Label)> Markers { get; } = [];

    public const int Width = 820;
    public const int Height = 460;
    private const double Left = 78, Right = 250, Top = 44, Bottom = 58;

    public string ToSvg()
    {
        var points = Series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y) && (!LogX || p.X > 0) && (!LogY || p.Y > 0)).ToList();
        var sb = new StringBuilder();
        sb.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" style=\"max-width: 100%; height: auto\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\">"));
        sb.Append(Inv($"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{Height}\" fill=\"#ffffff\"/>"));
        sb.Append(Inv($"<text x=\"{Width / 2.0}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\" fill=\"#222\">{Esc(Title)}</text>"));
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        if (points.Count == 0)
        {
            sb.Append(Inv($"<text x=\"{Width / 2.0}\" y=\"{Height / 2.0}\" text-anchor=\"middle\" font-size=\"13\" fill=\"#666\">{Esc(EmptyText)}</text></svg>"));
            return sb.ToString();
        }
        var xs = points.Select(p => p.X).Concat(Markers.Select(m => m.X)).Where(x => !LogX || x > 0).ToList();
        var ys = points.SelectMany(p => new[] { p.Y, p.YLow ?? p.Y, p.YHigh ?? p.Y }).Where(y => double.IsFinite(y) && (!LogY || y > 0)).ToList();
        var (x0, x1) = Range(xs, LogX);
        var (y0, y1) = Range(ys, LogY);
        double Tx(double v) => Left + plotW * (LogX ? (Math.Log10(v) - x0) / (x1 - x0) : (v - x0) / (x1 - x0));
        double Ty(double v) => Top + plotH * (1 - (LogY ? (Math.Log10(Math.Max(v, 1e-300)) - y0) / (y1 - y0) : (v - y0) / (y1 - y0)));

        // Grid and ticks.
        sb.Append(Inv($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" stroke=\"#444\" stroke-width=\"1\"/>"));
        bool integerX = !LogX && points.All(p => p.X == Math.Round(p.X));
        foreach (var (value, label) in Ticks(x0, x1, LogX).Where(t => !integerX || t.Value == Math.Round(t.Value)))
        {
            double x = LogX ? Left + plotW * (Math.Log10(value) - x0) / (x1 - x0) : Tx(value);
            sb.Append(Inv($"<line x1=\"{x:F1}\" y1=\"{Top}\" x2=\"{x:F1}\" y2=\"{Top + plotH}\" stroke=\"#e5e5e5\"/>"));
            sb.Append(Inv($"<text x=\"{x:F1}\" y=\"{Top + plotH + 16}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#333\">{label}</text>"));
        }
        foreach (var (value, label) in Ticks(y0, y1, LogY))
        {
            double y = LogY ? Top + plotH * (1 - (Math.Log10(value) - y0) / (y1 - y0)) : Ty(value);
            sb.Append(Inv($"<line x1=\"{Left}\" y1=\"{y:F1}\" x2=\"{Left + plotW}\" y2=\"{y:F1}\" stroke=\"#e5e5e5\"/>"));
            sb.Append(Inv($"<text x=\"{Left - 6}\" y=\"{y + 4:F1}\" text-anchor=\"end\" font-size=\"11\" fill=\"#333\">{label}</text>"));
        }
        sb.Append(Inv($"<text x=\"{Left + plotW / 2}\" y=\"{Height - 14}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#222\">{Esc(XLabel)}</text>"));
        sb.Append(Inv($"<text x=\"18\" y=\"{Top + plotH / 2}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#222\" transform=\"rotate(-90 18 {Top + plotH / 2})\">{Esc(YLabel)}</text>"));

        foreach (var (x, label) in Markers.Where(m => !LogX || m.X > 0))
        {
            double px = Tx(x);
            sb.Append(Inv($"<line x1=\"{px:F1}\" y1=\"{Top}\" x2=\"{px:F1}\" y2=\"{Top + plotH}\" stroke=\"#555\" stroke-dasharray=\"5,4\"/>"));
            sb.Append(Inv($"<text x=\"{px + 4:F1}\" y=\"{Top + 14}\" font-size=\"10\" fill=\"#333\">{Esc(label)}</text>"));
        }

        for (int i = 0; i < Series.Count; i++)
        {
            var s = Series[i];
            var color = s.Color ?? Palette[i % Palette.Length];
            var valid = s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y) && (!LogX || p.X > 0) && (!LogY || p.Y > 0)).ToList();
            if (s.Line)
            {
                var banded = valid.Where(p => p.YLow is double lo && p.YHigh is double hi && double.IsFinite(lo) && double.IsFinite(hi)).ToList();
                if (banded.Count > 1)
                {
                    var upper = banded.Select(p => Inv($"{Tx(p.X):F1},{Ty(p.YHigh!.Value):F1}"));
                    var lower = banded.AsEnumerable().Reverse().Select(p => Inv($"{Tx(p.X):F1},{Ty(p.YLow!.Value):F1}"));
                    sb.Append(Inv($"<polygon points=\"{string.Join(' ', upper.Concat(lower))}\" fill=\"{color}\" fill-opacity=\"0.15\" stroke=\"none\"/>"));
                }
                if (valid.Count > 1)
                {
                    sb.Append(Inv($"<polyline points=\"{string.Join(' ', valid.Select(p => Inv($"{Tx(p.X):F1},{Ty(p.Y):F1}")))}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"/>"));
                }
            }
            foreach (var p in valid)
            {
                var c = p.Dominated ? "#b0b0b0" : color;
                if (!s.Line && p.YLow is double lo && p.YHigh is double hi && double.IsFinite(lo) && double.IsFinite(hi))
                {
                    sb.Append(Inv($"<line x1=\"{Tx(p.X):F1}\" y1=\"{Ty(lo):F1}\" x2=\"{Tx(p.X):F1}\" y2=\"{Ty(hi):F1}\" stroke=\"{c}\" stroke-width=\"1.5\"/>"));
                }
                if (!s.Line || valid.Count == 1)
                {
                    sb.Append(Inv($"<circle cx=\"{Tx(p.X):F1}\" cy=\"{Ty(p.Y):F1}\" r=\"{(s.Line ? 3 : 5)}\" fill=\"{c}\" stroke=\"#fff\" stroke-width=\"1\"/>"));
                }
            }
            double ly = Top + 10 + i * 18;
            sb.Append(Inv($"<rect x=\"{Width - Right + 12}\" y=\"{ly - 6}\" width=\"14\" height=\"4\" fill=\"{color}\"/>"));
            sb.Append(Inv($"<text x=\"{Width - Right + 30}\" y=\"{ly}\" font-size=\"11\" fill=\"#222\">{Esc(Shorten(s.Name, 36))}</text>"));
        }
        if (Series.Any(s => s.Points.Any(p => p.Dominated)))
        {
            double ly = Top + 10 + Series.Count * 18;
            sb.Append(Inv($"<circle cx=\"{Width - Right + 19}\" cy=\"{ly - 4}\" r=\"4\" fill=\"#b0b0b0\"/>"));
            sb.Append(Inv($"<text x=\"{Width - Right + 30}\" y=\"{ly}\" font-size=\"11\" fill=\"#222\">dominated</text>"));
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static (double, double) Range(List<double> values, bool log)
    {
        if (log)
        {
            var logs = values.Where(v => v > 0).Select(Math.Log10).ToList();
            double lo = logs.Count == 0 ? 0 : Math.Floor(logs.Min()), hi = logs.Count == 0 ? 1 : Math.Ceiling(logs.Max());
            return hi <= lo ? (lo, lo + 1) : (lo, hi);
        }
        double min = values.Min(), max = values.Max();
        if (max - min < 1e-12)
        {
            double pad = Math.Abs(max) > 0 ? Math.Abs(max) * 0.1 : 1;
            return (min - pad, max + pad);
        }
        double margin = (max - min) * 0.05;
        return (min - margin, max + margin);
    }

    private static IEnumerable<(double Value, string Label)> Ticks(double lo, double hi, bool log)
    {
        if (log)
        {
            for (int e = (int)Math.Round(lo); e <= (int)Math.Round(hi); e++)
            {
                yield return (Math.Pow(10, e), Format(Math.Pow(10, e)));
            }
            yield break;
        }
        double span = hi - lo;
        double step = Math.Pow(10, Math.Floor(Math.Log10(span / 5)));
        foreach (var m in new[] { 1.0, 2.0, 5.0, 10.0 })
        {
            if (span / (step * m) <= 7)
            {
                step *= m;
                break;
            }
        }
        for (double v = Math.Ceiling(lo / step) * step; v <= hi + 1e-9 * step; v += step)
        {
            yield return (v, Format(Math.Abs(v) < step * 1e-6 ? 0 : v));
        }
    }

    private static string Format(double v) => Math.Abs(v) >= 10000 || (Math.Abs(v) < 0.001 && v != 0)
        ? v.ToString("0.#E+0", CultureInfo.InvariantCulture)
        : v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string Esc(string text) => WebUtility.HtmlEncode(text);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One series: points (with an optional band or error bar), drawn as a line or as markers.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points, bool Line, string? Color = null);

public sealed record ChartPoint(double X, double Y, double? YLow = null, double? YHigh = null, bool Dominated = false);
