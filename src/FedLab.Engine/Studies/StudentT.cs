namespace FedLab.Engine.Studies;

/// <summary>
/// Student's t distribution: the two-sided quantile that a confidence interval of a mean over a few seeds uses.
/// The CDF comes from the regularized incomplete beta function (continued fraction, Lentz's method); the quantile by
/// bisection on it, to 1e-12. t(0.975, 2) = 4.302653, t(0.975, 4) = 2.776445, t(0.975, ∞) → 1.959964.
/// </summary>
public static class StudentT
{
    /// <summary>P(T ≤ t) for <paramref name="df"/> degrees of freedom.</summary>
    public static double Cdf(double t, double df)
    {
        double x = df / (df + t * t);
        double tail = 0.5 * RegularizedBeta(x, df / 2, 0.5);
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>The t with P(T ≤ t) = <paramref name="p"/> (0.5 &lt; p &lt; 1).</summary>
    public static double Quantile(double p, double df)
    {
        if (!(p > 0.5 && p < 1) || !(df >= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), $"need 0.5 < p < 1 and df ≥ 1, got p={p}, df={df}");
        }
        double lo = 0, hi = 1;
        while (Cdf(hi, df) < p)
        {
            hi *= 2;
        }
        for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (Cdf(mid, df) < p)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /// <summary>I_x(a, b), after Numerical Recipes' betai/betacf.</summary>
    internal static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0)
        {
            return 0;
        }
        if (x >= 1)
        {
            return 1;
        }
        double front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        return x < (a + 1) / (a + b + 2)
            ? front * ContinuedFraction(x, a, b) / a
            : 1 - front * ContinuedFraction(1 - x, b, a) / b;
    }

    private static double ContinuedFraction(double x, double a, double b)
    {
        const double Tiny = 1e-300;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        d = Math.Abs(d) < Tiny ? Tiny : d;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 500; m++)
        {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + aa * d;
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = 1 + aa / c;
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + aa * d;
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = 1 + aa / c;
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-15)
            {
                break;
            }
        }
        return h;
    }

    /// <summary>ln Γ(x) by the Lanczos approximation (g = 7, 9 terms; about 15 digits).</summary>
    private static double LogGamma(double x)
    {
        ReadOnlySpan<double> g =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }
        x -= 1;
        double sum = g[0];
        for (int i = 1; i < 9; i++)
        {
            sum += g[i] / (x + i);
        }
        double t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
