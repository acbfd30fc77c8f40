using FedLab.Engine.Runs;
using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Engine.Federation.Availability;

/// <summary>
/// Buffered asynchronous FL (availability.late = "stale"; FedBuff, Nguyen et al. 2022, with FedAsync's polynomial
/// staleness weight, Xie et al. 2019): a late client's update is not discarded. It is kept as the change it made,
/// Δ = its state − the global state it started from, and enters the aggregate of the round it arrives in, s rounds
/// later, as the state global_now + Δ with weight (its example count) · (1 + s)^−a. s comes from the simulated clock
/// (<see cref="StaleSchedule.Staleness"/>, noted by the availability runner). Stale updates enter before the inner aggregator
/// finishes, in (round sent, client) order; with min completion they do not count as the round's own completions.
/// What it holds is part of the run's checkpoint (a resumed run adds the same stale updates).
/// </summary>
public sealed class StaleUpdateAggregator(IUpdateAggregator inner, StaleSchedule schedule, RoundExtras extras, Device device) : AggregatorWrapper(inner)
{
    public const string StaleCount = "availability.stale";
    public const string StaleWeight = "availability.staleWeight";
    private const string Prefix = "held.";

    private readonly List<Held> _held = [];
    private Tensor? _global;
    private TrainableState? _like;
    private int _round;

    private sealed record Held(int Client, int From, int Arrives, int Staleness, double Weight, Tensor Delta) : IDisposable
    {
        /// <summary>What the checkpoint keeps beside the delta: client, round sent, round due, staleness, weight.</summary>
        public Tensor Meta { get; } = tensor(new double[] { Client, From, Arrives, Staleness, Weight }, dtype: ScalarType.Float64).DetachFromDisposeScope();

        public void Dispose()
        {
            Delta.Dispose();
            Meta.Dispose();
        }
    }

    public override void Begin(int round, TrainableState global)
    {
        _global?.Dispose();
        _like?.Dispose();
        _global = StateVector.Flatten(global).DetachFromDisposeScope();
        _like = global.Clone();
        _round = round;
        base.Begin(round, global);
    }

    public override void AddLate(int clientId, TrainableState update, double weight)
    {
        int s = schedule.StalenessOf(_round, clientId);
        Tensor delta;
        using (var _ = no_grad())
        using (var scope = NewDisposeScope())
        {
            delta = (StateVector.Flatten(update) - _global!).DetachFromDisposeScope();
        }
        _held.Add(new Held(clientId, _round, _round + s, s, weight, delta));
    }

    public override TrainableState? Finish()
    {
        var due = _held.Where(h => h.Arrives <= _round).OrderBy(h => h.From).ThenBy(h => h.Client).ToList();
        double weights = 0;
        foreach (var held in due)
        {
            using (var _ = no_grad())
            using (var scope = NewDisposeScope())
            using (var state = StateVector.Unflatten(_global! + held.Delta, _like!))
            {
                double discount = schedule.Weight(held.Staleness);
                weights += discount;
                base.Add(held.Client, state, held.Weight * discount);
            }
            held.Dispose();
            _held.Remove(held);
        }
        extras.Set(StaleCount, due.Count);
        if (due.Count > 0)
        {
            extras.Set(StaleWeight, weights / due.Count);
        }
        return base.Finish();
    }

    /// <summary>The held updates, as checkpoint tensors (none when nothing is held).</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> CheckpointState()
    {
        for (int i = 0; i < _held.Count; i++)
        {
            var h = _held[i];
            yield return new($"{Prefix}{i}.delta", h.Delta);
            yield return new($"{Prefix}{i}.meta", h.Meta);
        }
    }

    public void RestoreState(SafeTensorsFile state)
    {
        _held.ForEach(h => h.Dispose());
        _held.Clear();
        for (int i = 0; state.Tensors.Any(t => t.Key == $"{Prefix}{i}.meta"); i++)
        {
            var meta = state[$"{Prefix}{i}.meta"].data<double>().ToArray();
            var delta = state[$"{Prefix}{i}.delta"].to(device).clone().DetachFromDisposeScope();
            _held.Add(new Held((int)meta[0], (int)meta[1], (int)meta[2], (int)meta[3], meta[4], delta));
        }
    }

    public override void Dispose()
    {
        _held.ForEach(h => h.Dispose());
        _held.Clear();
        _global?.Dispose();
        _like?.Dispose();
        base.Dispose();
    }
}
