using FedLab.Engine.Runs;

namespace FedLab.Data.Tests;

/// <summary>Engine-shaped events with known values, for recorder and query tests that need no model.</summary>
internal static class SyntheticEvents
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public static RunInfo Info(int clients) => new(
        "cpu", "tiny (test)", 1000, 100, 400, 120, 40, 0, ["ham", "spam"],
        Enumerable.Range(0, clients).Select(c => new[] { 10 + c, 20 - c }).ToList(), "test-engine");

    public static RunStarted Started(Guid runId, RunSpec spec, int firstRound = 0) =>
        new(runId, T0, spec, Info(spec.Partition.Clients), firstRound);

    public static ClientRoundMetrics Client(int round, int client, double loss = 0.5, long up = 1000, long down = 2000, double? accuracy = null) => new(
        round, client, 40 + client, 2, loss, down, up,
        new Dictionary<PayloadKind, long> { [PayloadKind.Parameters] = down },
        new Dictionary<PayloadKind, long> { [PayloadKind.Parameters] = up - 10, [PayloadKind.Labels] = 10 },
        1e9 * (client + 1), 0.25, accuracy);

    /// <summary>A client that produced no result: it had downloaded the global state, then failed.</summary>
    public static ClientFailure Failure(int round, int client, string kind = ClientFailureKinds.Deadline, string reason = "missed the round's 30 s deadline", long down = 2000) => new(
        round, client, kind, reason,
        new Dictionary<PayloadKind, long> { [PayloadKind.Parameters] = down },
        new Dictionary<PayloadKind, long>(),
        0.75);

    public static RoundMetrics Round(int round, double accuracy, IReadOnlyList<ClientRoundMetrics> clients, double loss = 0.4)
    {
        var up = new Dictionary<PayloadKind, long>();
        var down = new Dictionary<PayloadKind, long>();
        foreach (var c in clients)
        {
            foreach (var (k, v) in c.BytesUpByKind)
            {
                up[k] = up.GetValueOrDefault(k) + v;
            }
            foreach (var (k, v) in c.BytesDownByKind)
            {
                down[k] = down.GetValueOrDefault(k) + v;
            }
        }
        return new RoundMetrics(round, new EvalMetrics(accuracy, accuracy - 0.1, loss, 40), clients.Count,
            clients.Sum(c => c.BytesDown), clients.Sum(c => c.BytesUp), down, up,
            clients.Sum(c => c.Flops), clients.Sum(c => c.Seconds), 0.1, 0.2, 1.5,
            clients.Count == 0 ? null : clients.Average(c => c.TrainLoss));
    }

    /// <summary>Publishes a whole round: each client's event, then the round's.</summary>
    public static RoundMetrics PublishRound(IRunEventSink sink, Guid runId, int round, double accuracy, int clients, int totalRounds, string? checkpoint = null)
    {
        var list = round == 0 ? [] : Enumerable.Range(0, clients).Select(c => Client(round, c, loss: 1.0 / (round + c + 1))).ToList();
        foreach (var c in list)
        {
            sink.Publish(new ClientRoundFinished(runId, T0, c));
        }
        var metrics = Round(round, accuracy, list);
        sink.Publish(new RoundFinished(runId, T0.AddSeconds(round), metrics, totalRounds, checkpoint));
        return metrics;
    }
}
