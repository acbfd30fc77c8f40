using System.Globalization;

namespace FedLab.Engine.Studies;

/// <summary>
/// The mean of a metric over n seeds and the half-width of its 95% confidence interval (Student's t with n − 1
/// degrees of freedom: t · s / √n, s the sample standard deviation). One seed: no interval (NaN half-width).
/// </summary>
public sealed record SeedInterval(double Mean, double HalfWidth, int N, double StdDev)
{
    public static readonly SeedInterval Empty = new(double.NaN, double.NaN, 0, double.NaN);

    public double Lower => Mean - (double.IsNaN(HalfWidth) ? 0 : HalfWidth);
    public double Upper => Mean + (double.IsNaN(HalfWidth) ? 0 : HalfWidth);

    /// <summary>The interval of the finite values (NaN and ∞ are left out, and counted in <see cref="N"/> only when kept).</summary>
    public static SeedInterval Of(IEnumerable<double> values, double confidence = 0.95)
    {
        var xs = values.Where(double.IsFinite).ToArray();
        if (xs.Length == 0)
        {
            return Empty;
        }
        double mean = xs.Average();
        if (xs.Length == 1)
        {
            return new SeedInterval(mean, double.NaN, 1, double.NaN);
        }
        double variance = xs.Sum(x => (x - mean) * (x - mean)) / (xs.Length - 1);
        double sd = Math.Sqrt(variance);
        double t = StudentT.Quantile(0.5 + confidence / 2, xs.Length - 1);
        return new SeedInterval(mean, t * sd / Math.Sqrt(xs.Length), xs.Length, sd);
    }

    /// <summary>"0.812 ± 0.014" (or "0.812" for one seed, "–" for none) with <paramref name="format"/>.</summary>
    public string Text(string format = "F3") => N == 0 ? "–"
        : double.IsNaN(HalfWidth) ? Mean.ToString(format, CultureInfo.InvariantCulture)
        : $"{Mean.ToString(format, CultureInfo.InvariantCulture)} ± {HalfWidth.ToString(format, CultureInfo.InvariantCulture)}";
}
