namespace FedLab.Engine.Federation;

/// <summary>
/// The server's analytic FLOPs of a round ("server.flops", a named round metric), counted like the clients' (a
/// multiply-add is 2 FLOPs, <see cref="FlopModel"/>): aggregation is 2 per trainable value per contribution (the
/// weighted running sum) plus the server optimizer's step; split learning's server runs the blocks above the cut and
/// the head forward and backward on every batch; KD's server averages logits and, in server distillation, trains its
/// model. The deployment what-if (docs/studies.md) divides it by the profile's server GFLOP/s.
/// </summary>
public static class ServerCost
{
    public const string Flops = "server.flops";

    /// <summary>FLOPs of aggregating <paramref name="contributions"/> states of <paramref name="values"/> numbers and applying the result.</summary>
    public static double Aggregation(long values, int contributions, double optimizerFlopsPerValue) =>
        contributions == 0 ? 0 : 2.0 * values * contributions + optimizerFlopsPerValue * values;

    public static IReadOnlyDictionary<string, double> Extra(double flops) => new Dictionary<string, double> { [Flops] = flops };
}
