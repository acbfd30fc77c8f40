using FedLab.Engine.Studies;

namespace FedLab.Data.Studies;

/// <summary>A study analysed under one deployment profile: its configurations and, with a target, the bandwidth crossovers.</summary>
public sealed record StudyResults(StudyState State, DeploymentProfile Profile, double? Target, IReadOnlyList<ConfigurationResult> Configurations)
{
    /// <summary>
    /// Groups of configurations that share the values of the axes applying to every framework (one bandwidth chart
    /// each), with the uplink bandwidths at which the fastest one to the target changes.
    /// </summary>
    public IReadOnlyList<BandwidthGroup> BandwidthGroups(DeploymentProfile profile, double lowMbps = 0.1, double highMbps = 10_000)
    {
        if (Target is not double target)
        {
            return [];
        }
        var shared = State.Spec.Axes.Where(a => State.Spec.Frameworks.All(f => StudyPlan.AppliesTo(a, f.Framework))).Select(a => a.Path).ToHashSet();
        return [.. Configurations
            .GroupBy(c => string.Join(", ", c.Setting.Where(v => shared.Contains(v.Path)).Select(v => $"{v.Name}={v.Text}")))
            .Select(g =>
            {
                var members = g.ToList();
                var curves = members.Select(c => (c.Name, (Func<double, double?>)(b => c.MeanTimeToTarget(target, profile.WithUplink(b))))).ToList();
                return new BandwidthGroup(g.Key.Length == 0 ? "all" : g.Key, members, Crossover.Find(curves, lowMbps, highMbps));
            })];
    }
}

/// <summary>Configurations compared on one time-to-target-against-uplink chart, and where the fastest changes.</summary>
public sealed record BandwidthGroup(string Setting, IReadOnlyList<ConfigurationResult> Members, IReadOnlyList<CrossoverPoint> Crossovers);
