using System.Text.Json;
using FedLab.Data;
using FedLab.Data.Queries;
using FedLab.Engine.Runs;
using FedLab.Web.Live;

namespace FedLab.Web.Hubs;

/// <summary>
/// Engine events and stored rows to the hub's compact messages. Bytes by kind are maps of kind name to bytes: any
/// kind the engine reports appears, under its name.
/// </summary>
public static class HubMessageMapper
{
    public static RoundMessage Round(RoundFinished e)
    {
        var m = e.Metrics;
        return new RoundMessage(e.RunId, m.Round, e.TotalRounds, e.Timestamp, m.Global.Accuracy, m.Global.MacroF1, m.Global.Loss,
            m.TrainLoss, m.ClientAccuracyMean, m.ClientAccuracyStd, m.Clients, m.BytesUp, m.BytesDown,
            Kinds(m.BytesUpByKind), Kinds(m.BytesDownByKind), m.ClientFlops, m.ClientSeconds, m.ServerSeconds, m.EvalSeconds, m.WallSeconds,
            Metrics(m.Extra));
    }

    public static RoundMessage Round(Guid runId, int totalRounds, RoundRow r) =>
        new(runId, r.Round, totalRounds, r.FinishedAt, r.Accuracy, r.MacroF1, r.Loss, r.TrainLoss, r.ClientAccuracyMean, r.ClientAccuracyStd,
            r.Clients, r.BytesUp, r.BytesDown, Kinds(r.Up.ToDictionary()), Kinds(r.Down.ToDictionary()),
            r.ClientFlops, r.ClientSeconds, r.ServerSeconds, r.EvalSeconds, r.WallSeconds, r.Extra);

    public static ClientRoundMessage ClientRound(ClientRoundFinished e)
    {
        var m = e.Metrics;
        return new ClientRoundMessage(e.RunId, m.Round, m.ClientId, e.Timestamp, m.Examples, m.Steps, m.TrainLoss, m.BytesUp, m.BytesDown,
            Kinds(m.BytesUpByKind), Kinds(m.BytesDownByKind), m.Flops, m.Seconds, m.Accuracy, Metrics(m.Extra));
    }

    public static ClientRoundFailedMessage ClientRoundFailed(ClientRoundFailed e)
    {
        var f = e.Failure;
        return new ClientRoundFailedMessage(e.RunId, f.Round, f.ClientId, e.Timestamp, f.Kind, f.Reason, f.BytesUp, f.BytesDown,
            Kinds(f.BytesUpByKind), Kinds(f.BytesDownByKind), f.Seconds);
    }

    /// <summary>The status message for an event that changes a run's status; null for the others.</summary>
    public static RunStatusMessage? Status(RunEvent e) => e switch
    {
        RunStarted s => new RunStatusMessage(s.RunId, StatusName(RunStatus.Running), s.Timestamp, null, s.FirstRound, s.Spec.Training.Rounds),
        RunFinished f => new RunStatusMessage(f.RunId, StatusName(RunStatus.Finished), f.Timestamp, null, null, null),
        RunFailed f => new RunStatusMessage(f.RunId, StatusName(RunStatus.Failed), f.Timestamp, f.Error, null, null),
        RunCancelled c => new RunStatusMessage(c.RunId, StatusName(RunStatus.Cancelled), c.Timestamp, null, null, null),
        RunStatusChanged c => new RunStatusMessage(c.RunId, c.Deleted ? "deleted" : StatusName(c.Status), c.Timestamp, c.Error, null, null),
        _ => null,
    };

    /// <summary>The status's name as every output writes it (<see cref="RunStatusNames"/>).</summary>
    public static string StatusName(RunStatus status) => RunStatusNames.Name(status);

    public static string KindName(PayloadKind kind) => kind.Name;

    private static IReadOnlyDictionary<string, double> Metrics(IReadOnlyDictionary<string, double>? extra) => extra ?? RowMapping.NoMetrics;

    private static Dictionary<string, long> Kinds(IReadOnlyDictionary<PayloadKind, long> byKind) =>
        byKind.Where(kv => kv.Value != 0).ToDictionary(kv => KindName(kv.Key), kv => kv.Value);
}
