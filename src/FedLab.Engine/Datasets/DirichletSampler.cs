namespace FedLab.Engine.Datasets;

/// <summary>Gamma and Dirichlet draws from a <see cref="SeededRandom"/>.</summary>
internal static class DirichletSampler
{
    /// <summary>
    /// Dirichlet(alpha, ..., alpha) of the given dimension. Works with log-gamma draws and normalises with
    /// log-sum-exp, because for alpha well below 1 the gamma draws themselves underflow to zero.
    /// </summary>
    public static double[] Sample(SeededRandom random, double alpha, int dimension)
    {
        var logs = new double[dimension];
        double max = double.NegativeInfinity;
        for (int i = 0; i < dimension; i++)
        {
            logs[i] = LogGamma(random, alpha);
            max = Math.Max(max, logs[i]);
        }
        double sum = 0;
        var p = new double[dimension];
        for (int i = 0; i < dimension; i++)
        {
            p[i] = Math.Exp(logs[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < dimension; i++)
        {
            p[i] /= sum;
        }
        return p;
    }

    /// <summary>
    /// log of a Gamma(shape, 1) draw by Marsaglia–Tsang (2000). For shape &lt; 1 it uses the boost
    /// Gamma(a) = Gamma(a + 1) · U^(1/a), taken in log space.
    /// </summary>
    public static double LogGamma(SeededRandom random, double shape)
    {
        if (!(shape > 0) || double.IsInfinity(shape))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), shape, "gamma shape must be positive and finite");
        }
        if (shape < 1)
        {
            return LogGamma(random, shape + 1) + Math.Log(random.NextDoubleNonZero()) / shape;
        }
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = random.NextGaussian();
                v = 1 + c * x;
            }
            while (v <= 0);
            v = v * v * v;
            double u = random.NextDoubleNonZero();
            if (u < 1 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v)))
            {
                return Math.Log(d * v);
            }
        }
    }
}
