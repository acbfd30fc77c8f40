using FedLab.Engine.Runs;

namespace FedLab.Web.Queue;

/// <summary>A run executing in this process: its cancellation and live progress (updated from its events).</summary>
internal sealed class ActiveRun(Guid runId, DateTimeOffset startedAt) : IDisposable
{
    private volatile RunProgress _progress = new(runId, 0, 0, 0, startedAt);

    public Guid RunId { get; } = runId;

    public CancellationTokenSource Cancellation { get; } = new();

    public RunProgress Progress => _progress;

    /// <summary>Called on the run's thread for every event.</summary>
    public void Observe(RunEvent runEvent)
    {
        var p = _progress;
        _progress = runEvent switch
        {
            RunStarted s => p with { CompletedRounds = Math.Max(0, s.FirstRound - 1), TotalRounds = s.Spec.Training.Rounds, ClientsDoneInRound = 0 },
            ClientRoundFinished or ClientRoundFailed => p with { ClientsDoneInRound = p.ClientsDoneInRound + 1 },
            RoundFinished r => p with { CompletedRounds = r.Metrics.Round, TotalRounds = r.TotalRounds, ClientsDoneInRound = 0 },
            _ => p,
        };
    }

    public void Dispose() => Cancellation.Dispose();
}
