namespace FedLab.Engine.Studies;

/// <summary>The Pareto front of accuracy (higher is better) against a cost (lower is better).</summary>
public static class Pareto
{
    /// <summary>True at i when another point is at least as good on both and better on one (a dominated point, greyed).</summary>
    public static bool[] Dominated(IReadOnlyList<(double Cost, double Accuracy)> points)
    {
        var dominated = new bool[points.Count];
        for (int i = 0; i < points.Count; i++)
        {
            var (ci, ai) = points[i];
            if (!double.IsFinite(ci) || !double.IsFinite(ai))
            {
                dominated[i] = true;
                continue;
            }
            for (int j = 0; j < points.Count && !dominated[i]; j++)
            {
                var (cj, aj) = points[j];
                dominated[i] = j != i && double.IsFinite(cj) && double.IsFinite(aj) && cj <= ci && aj >= ai && (cj < ci || aj > ai);
            }
        }
        return dominated;
    }
}
