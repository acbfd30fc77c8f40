using FedLab.Engine.Runs;

namespace FedLab.Engine.Federation.Availability;

/// <summary>
/// Clients as they really are, around any client runner: a client unavailable in the round (trace or dropout draw)
/// does no work and is reported "dropped"; a client that works is timed by the simulated clock
/// (<see cref="TimeModel"/>: its FLOPs, its exact bytes and messages, its device) and reported "late" when its time
/// exceeds the deadline; with over-selection, only the first ones to finish (in simulated time) are kept and the rest
/// are reported late. Availability is decided once per client per round, at its first work of the round (KD's second
/// phase, the consensus download, is not timed again). Outcomes still come back in client order. With late updates kept
/// (<paramref name="stale"/>, availability.late = "stale"), a late client's outcome keeps its result beside its failure.
/// </summary>
public sealed class AvailabilityRunner(IClientRunner inner, RunSpec spec, AvailabilityPlan plan, RoundExtras extras, StaleSchedule? stale = null) : IClientRunner
{
    public const string ClientSeconds = "clock.simulatedSeconds";
    public const string RoundSeconds = "clock.roundSeconds";
    public const string DroppedCount = "availability.dropped";
    public const string LateCount = "availability.late";

    private int _round = -1;
    private readonly HashSet<int> _admitted = [];

    public void Run<T>(int round, IReadOnlyList<int> clients, ClientWork<T> work, Action<ClientOutcome<T>> completed, CancellationToken ct)
    {
        if (round != _round)
        {
            _round = round;
            _admitted.Clear();
        }
        if (clients.All(_admitted.Contains))
        {
            inner.Run(round, clients, work, completed, ct); // a second phase of clients already admitted this round
            return;
        }
        var a = plan.Spec;
        var decided = new List<ClientOutcome<T>>(clients.Count);
        var dropped = new Dictionary<int, ClientOutcome<T>>();
        foreach (var client in clients)
        {
            if (plan.Unavailable(round, client) is string reason)
            {
                dropped[client] = InProcessClientRunner.Failed<T>(round, client, ClientFailureKinds.Dropped, reason, new TrafficMeter(), 0);
            }
        }
        var available = clients.Where(c => !dropped.ContainsKey(c)).ToList();
        var times = new Dictionary<int, double>();
        bool buffer = a.OverSelection > 0;
        int next = 0;
        void Deliver(ClientOutcome<T> outcome)
        {
            // Dropped clients before this one, in client order.
            while (next < clients.Count && clients[next] != outcome.ClientId)
            {
                if (dropped.TryGetValue(clients[next], out var d))
                {
                    completed(d);
                }
                next++;
            }
            next++;
            completed(outcome);
        }

        inner.Run(round, available, work, outcome =>
        {
            _admitted.Add(outcome.ClientId);
            var timed = Time(round, outcome, times);
            if (buffer)
            {
                decided.Add(timed);
            }
            else
            {
                Deliver(timed);
            }
        }, ct);

        if (buffer)
        {
            // Over-selection: the round closes when the target number of clients has reported.
            int target = AvailabilityPlan.Target(spec);
            var keep = decided.Where(o => o.Succeeded).OrderBy(o => times[o.ClientId]).ThenBy(o => o.ClientId).Take(target).Select(o => o.ClientId).ToHashSet();
            double close = keep.Count == target && keep.Count > 0 ? keep.Max(c => times[c]) : double.PositiveInfinity;
            foreach (var outcome in decided)
            {
                Deliver(outcome.Succeeded && !keep.Contains(outcome.ClientId)
                    ? Late(round, outcome, times[outcome.ClientId], $"over-selected: {target} clients had reported by {close:0.##} s (simulated), this one at {times[outcome.ClientId]:0.##} s")
                    : outcome);
            }
        }
        foreach (var client in clients.Skip(next))
        {
            if (dropped.TryGetValue(client, out var d))
            {
                completed(d);
            }
        }

        Note(dropped.Count, times);
    }

    /// <summary>A finished client timed by the simulated clock; late (a failure) when it missed the deadline.</summary>
    private ClientOutcome<T> Time<T>(int round, ClientOutcome<T> outcome, Dictionary<int, double> times)
    {
        if (!outcome.Succeeded)
        {
            return outcome;
        }
        double flops = outcome.Result is IClientWorkload w ? w.Flops : 0;
        var link = outcome.Link;
        double seconds = TimeModel.Seconds(flops, link.Down, link.Up, link.Messages, plan.Devices[outcome.ClientId]);
        times[outcome.ClientId] = seconds;
        extras.SetClient(outcome.ClientId, ClientSeconds, seconds);
        return plan.Spec.DeadlineSeconds is double deadline && seconds > deadline
            ? Late(round, outcome, seconds, $"simulated time {seconds:0.##} s exceeds the {deadline:0.##} s deadline")
            : outcome;
    }

    private ClientOutcome<T> Late<T>(int round, ClientOutcome<T> outcome, double seconds, string reason)
    {
        if (stale is null)
        {
            return InProcessClientRunner.Failed<T>(round, outcome.ClientId, ClientFailureKinds.Late, reason, outcome.Link, outcome.Seconds);
        }
        reason += "; " + stale.Note(round, outcome.ClientId, StaleSchedule.Staleness(seconds, plan.Spec.DeadlineSeconds));
        return InProcessClientRunner.Failed<T>(round, outcome.ClientId, ClientFailureKinds.Late, reason, outcome.Link, outcome.Seconds) with { Result = outcome.Result };
    }

    /// <summary>The round's simulated time: parallel clients end at the deadline or with the slowest kept client; split learning's turns add up.</summary>
    private void Note(int dropped, Dictionary<int, double> times)
    {
        double? deadline = plan.Spec.DeadlineSeconds;
        int late = times.Count(t => deadline is double d && t.Value > d);
        double round;
        if (AvailabilityPlan.Sequential(spec))
        {
            round = times.Values.Sum(t => deadline is double d ? Math.Min(t, d) : t);
        }
        else
        {
            var kept = times.Values.Where(t => deadline is not double d || t <= d).OrderBy(t => t).ToList();
            int target = plan.Spec.OverSelection > 0 ? AvailabilityPlan.Target(spec) : int.MaxValue;
            round = late > 0 && (kept.Count < target || target == int.MaxValue) ? deadline!.Value
                : kept.Count == 0 ? 0 : kept[Math.Min(kept.Count, target) - 1];
        }
        extras.Set(RoundSeconds, round);
        extras.Set(DroppedCount, dropped);
        extras.Set(LateCount, late + (plan.Spec.OverSelection > 0 ? Math.Max(0, times.Count - late - AvailabilityPlan.Target(spec)) : 0));
    }
}
