using FedLab.Engine.Runs;

namespace FedLab.Engine.Federation.Availability;

/// <summary>
/// Flower's fault-tolerant FedAvg (min_completion_rate_fit): when fewer than availability.minCompletion of the
/// round's selected clients contributed, the round's aggregate is discarded and the global model stays as it was.
/// Notes "availability.completion" (the fraction that contributed) and "availability.aggregated" (1 or 0).
/// </summary>
public sealed class MinCompletionAggregator(IUpdateAggregator inner, RunSpec spec, RoundExtras extras) : AggregatorWrapper(inner)
{
    public const string Completion = "availability.completion";
    public const string Aggregated = "availability.aggregated";
    private int _added;
    private int _selected;

    public override void Begin(int round, TrainableState global)
    {
        _added = 0;
        _selected = AvailabilityPlan.Select(spec, round).Count;
        base.Begin(round, global);
    }

    public override void Add(int clientId, TrainableState update, double weight)
    {
        _added++;
        base.Add(clientId, update, weight);
    }

    public override TrainableState? Finish()
    {
        var result = base.Finish();
        bool enough = _added > 0 && _added >= AvailabilityPlan.Required(spec, _selected);
        extras.Set(Completion, _selected == 0 ? 0 : (double)_added / _selected);
        extras.Set(Aggregated, enough && result is not null ? 1 : 0);
        if (!enough)
        {
            result?.Dispose();
            return null;
        }
        return result;
    }
}
