using FedLab.Engine.Runs;

namespace FedLab.Engine.Federation.Availability;

/// <summary>
/// Who is available, on what device, and who is selected, for one run: pure functions of the spec and seed, so a
/// resumed run, the secure-aggregation simulation and the tests see the same dropouts.
/// </summary>
public sealed class AvailabilityPlan
{
    private readonly RunSpec _spec;
    private readonly AvailabilitySpec _availability;
    private readonly AvailabilityTrace? _trace;

    public AvailabilityPlan(RunSpec spec)
    {
        _spec = spec;
        _availability = spec.Availability ?? throw new ArgumentException("the spec has no availability section", nameof(spec));
        _trace = _availability.Trace is string path ? AvailabilityTrace.Load(path, spec.Partition.Clients, spec.Training.Rounds) : null;
        Devices = DeviceProfile.Draw(_availability.Devices, spec.Partition.Clients, spec.Seed);
    }

    public AvailabilitySpec Spec => _availability;

    public IReadOnlyList<DeviceProfile> Devices { get; }

    /// <summary>Why <paramref name="client"/> is unavailable in <paramref name="round"/>, or null when it is available.</summary>
    public string? Unavailable(int round, int client)
    {
        if (_trace is not null && !_trace.IsAvailable(client, round))
        {
            return "unavailable in this round (availability trace)";
        }
        return IsDropped(_spec.Seed, _availability.Dropout, round, client)
            ? $"dropped out (dropout probability {_availability.Dropout:0.##})"
            : null;
    }

    /// <summary>A seeded Bernoulli draw per (seed, round, client): the same seed drops the same clients.</summary>
    public static bool IsDropped(long seed, double probability, int round, int client)
    {
        if (probability <= 0)
        {
            return false;
        }
        var random = new Random(unchecked((int)SeedMix.Derive(seed, round, client, 0xD20F)));
        return random.NextDouble() < probability;
    }

    /// <summary>How many clients the round wants to aggregate (training.clientFraction), before over-selection.</summary>
    public static int Target(RunSpec spec) => ClientSampler.CountFor(spec.Partition.Clients, spec.Training.ClientFraction);

    /// <summary>The clients selected for a round: training.clientFraction, plus availability.overSelection more when set.</summary>
    public static IReadOnlyList<int> Select(RunSpec spec, int round)
    {
        double over = spec.Availability?.OverSelection ?? 0;
        if (over <= 0)
        {
            return ClientSampler.Sample(spec.Partition.Clients, spec.Training.ClientFraction, spec.Seed, round);
        }
        int n = spec.Partition.Clients;
        int count = Math.Min(n, (int)Math.Ceiling(Target(spec) * (1 + over) - 1e-9));
        return ClientSampler.Sample(n, (double)count / n, spec.Seed, round);
    }

    /// <summary>The number of finished clients a round needs for its aggregate to be applied (availability.minCompletion).</summary>
    public static int Required(RunSpec spec, int selected) =>
        spec.Availability is { MinCompletion: > 0 } a ? (int)Math.Ceiling(a.MinCompletion * selected - 1e-9) : 0;

    /// <summary>Split learning, sequential: clients take turns, so the round's time is the sum of their turns.</summary>
    public static bool Sequential(RunSpec spec) => spec.Framework == "split" && spec.Split.Variant == Frameworks.SplitFedLlm.SplitVariant.Sequential;
}
