namespace FedLab.Engine.Federation.Privacy;

/// <summary>
/// Rényi-DP accountant of the sampled Gaussian mechanism (Mironov, Talwar and Zhang 2019, "Rényi Differential
/// Privacy of the Sampled Gaussian Mechanism"), computed as TensorFlow Privacy's rdp_accountant does: integer orders
/// by the binomial expansion, fractional orders by the two-sided series with erfc; RDP composes by addition over
/// rounds and converts to (ε, δ) with the bound of Balle et al. 2020 (Canonne, Kamath and Steinke):
///   ε = RDP(α) + log1p(−1/α) − log(δ·α)/(α − 1), minimised over the orders α.
/// Sampling is treated as Poisson with rate q = clients per round / clients (McMahan et al. 2018 do the same).
/// </summary>
public static class RdpAccountant
{
    /// <summary>TensorFlow Privacy's default orders: 1.1 … 10.9 by 0.1, 12 … 63, 128, 256, 512.</summary>
    public static IReadOnlyList<double> DefaultOrders { get; } =
        Enumerable.Range(1, 99).Select(x => 1 + x / 10.0).Concat(Enumerable.Range(12, 52).Select(x => (double)x)).Concat([128.0, 256, 512]).ToArray();

    /// <summary>RDP at each order after <paramref name="steps"/> compositions of the sampled Gaussian mechanism.</summary>
    public static double[] Rdp(double q, double noiseMultiplier, int steps, IReadOnlyList<double> orders) =>
        orders.Select(a => Rdp(q, noiseMultiplier, a) * steps).ToArray();

    public static double Rdp(double q, double sigma, double alpha)
    {
        if (q == 0)
        {
            return 0;
        }
        if (sigma == 0 || double.IsPositiveInfinity(alpha))
        {
            return double.PositiveInfinity;
        }
        if (q == 1)
        {
            return alpha / (2 * sigma * sigma);
        }
        double logA = alpha == Math.Floor(alpha) ? LogAInt(q, sigma, (int)alpha) : LogAFrac(q, sigma, alpha);
        return logA / (alpha - 1);
    }

    /// <summary>The smallest ε over the orders for the given δ (0 when the RDP is tiny; ∞ when nothing bounds it).</summary>
    public static double Epsilon(IReadOnlyList<double> orders, IReadOnlyList<double> rdp, double delta)
    {
        double best = double.PositiveInfinity;
        for (int i = 0; i < orders.Count; i++)
        {
            double a = orders[i], r = rdp[i];
            double eps;
            if (delta * delta + Math.Exp(-r) - 1 >= 0)
            {
                eps = 0; // bounded through the KL divergence: δ ≤ sqrt(1 − exp(−KL))
            }
            else if (a > 1.01)
            {
                eps = r + Math.Log(1 - 1 / a) - Math.Log(delta * a) / (a - 1);
            }
            else
            {
                eps = double.PositiveInfinity;
            }
            best = Math.Min(best, eps);
        }
        return Math.Max(0, best);
    }

    /// <summary>ε after <paramref name="steps"/> rounds at sampling rate q and noise multiplier z, for δ, over the default orders.</summary>
    public static double Epsilon(double q, double noiseMultiplier, int steps, double delta) =>
        steps == 0 ? 0 : Epsilon(DefaultOrders, Rdp(q, noiseMultiplier, steps, DefaultOrders), delta);

    private static double LogAInt(double q, double sigma, int alpha)
    {
        double logA = double.NegativeInfinity;
        double logBinom = 0; // log C(alpha, 0)
        for (int i = 0; i <= alpha; i++)
        {
            if (i > 0)
            {
                logBinom += Math.Log(alpha - i + 1) - Math.Log(i);
            }
            double s = logBinom + i * Math.Log(q) + (alpha - i) * Math.Log(1 - q) + (i * (double)i - i) / (2 * sigma * sigma);
            logA = LogAdd(logA, s);
        }
        return logA;
    }

    private static double LogAFrac(double q, double sigma, double alpha)
    {
        double logA0 = double.NegativeInfinity, logA1 = double.NegativeInfinity;
        double z0 = sigma * sigma * Math.Log(1 / q - 1) + 0.5;
        double coef = 1; // the generalised binomial C(alpha, i), which changes sign
        for (int i = 0; ; i++)
        {
            if (i > 0)
            {
                coef *= (alpha - i + 1) / i;
            }
            double logCoef = Math.Log(Math.Abs(coef));
            double j = alpha - i;
            double logT0 = logCoef + i * Math.Log(q) + j * Math.Log(1 - q);
            double logT1 = logCoef + j * Math.Log(q) + i * Math.Log(1 - q);
            double logE0 = Math.Log(0.5) + LogErfc((i - z0) / (Math.Sqrt(2) * sigma));
            double logE1 = Math.Log(0.5) + LogErfc((z0 - j) / (Math.Sqrt(2) * sigma));
            double logS0 = logT0 + (i * (double)i - i) / (2 * sigma * sigma) + logE0;
            double logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
            if (coef > 0)
            {
                logA0 = LogAdd(logA0, logS0);
                logA1 = LogAdd(logA1, logS1);
            }
            else
            {
                logA0 = LogSub(logA0, logS0);
                logA1 = LogSub(logA1, logS1);
            }
            if (Math.Max(logS0, logS1) < -30 || i > 100_000)
            {
                break;
            }
        }
        return LogAdd(logA0, logA1);
    }

    private static double LogAdd(double x, double y)
    {
        double a = Math.Min(x, y), b = Math.Max(x, y);
        return double.IsNegativeInfinity(a) ? b : Math.Log(1 + Math.Exp(a - b)) + b;
    }

    private static double LogSub(double x, double y)
    {
        if (double.IsNegativeInfinity(y))
        {
            return x;
        }
        if (x == y)
        {
            return double.NegativeInfinity;
        }
        // x > y is required; as in the reference, a negative difference is a numerical floor.
        return x > y ? Math.Log(OneMinusExp(y - x)) + x : double.NegativeInfinity;
    }

    /// <summary>1 − eˣ for x ≤ 0, without cancellation near 0.</summary>
    private static double OneMinusExp(double x) => x > -1e-5 ? -(x + x * x / 2 + x * x * x / 6) : 1 - Math.Exp(x);

    /// <summary>log erfc(x), accurate far into the upper tail (continued fraction) and near 0 (series).</summary>
    internal static double LogErfc(double x) => x switch
    {
        >= 2 => -x * x - 0.5 * Math.Log(Math.PI) + Math.Log(ErfcContinuedFraction(x)),
        >= 0 => Math.Log(1 - ErfSeries(x)),
        _ => Math.Log(1 + Erf(-x)),
    };

    /// <summary>erf(y) for y ≥ 0.</summary>
    private static double Erf(double y) =>
        y < 2 ? ErfSeries(y) : 1 - Math.Exp(-y * y) / Math.Sqrt(Math.PI) * ErfcContinuedFraction(y);

    /// <summary>erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)), all terms positive.</summary>
    private static double ErfSeries(double x)
    {
        double term = x, sum = x;
        for (int n = 1; n < 200 && term > sum * 1e-17; n++)
        {
            term *= 2 * x * x / (2 * n + 1);
            sum += term;
        }
        return 2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x) * sum;
    }

    /// <summary>√π · e^(x²) · erfc(x) = 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), by the modified Lentz method.</summary>
    private static double ErfcContinuedFraction(double x)
    {
        const double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int n = 1; n < 10_000; n++)
        {
            double a = n / 2.0;
            d = x + a * d;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = x + a / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }
        return 1 / f;
    }
}
