using FedLab.Data;
using FedLab.Data.Queries;
using FedLab.Engine.Runs;

namespace FedLab.Web.Views;

/// <summary>
/// One round's client reports from the store (the recorder commits them with the round, before it is published),
/// shaped as the live events carry them: results and failures.
/// </summary>
public sealed class ClientRoundReader(RunPageQueries queries)
{
    public async Task<RoundReports> ReadAsync(Guid runId, int round, CancellationToken ct)
    {
        var rows = await queries.GetClientRoundsAsync(runId, round, ct);
        return new RoundReports(
            [.. rows.Where(c => !c.Failed).Select(c => new ClientRoundMetrics(c.Round, c.ClientId, c.Examples, c.Steps, c.TrainLoss,
                c.BytesDown, c.BytesUp, c.Down.ToDictionary(), c.Up.ToDictionary(), c.Flops, c.Seconds, c.Accuracy))],
            [.. rows.Where(c => c.Failed).Select(c => new ClientFailure(c.Round, c.ClientId, c.Status, c.Reason ?? "",
                c.Down.ToDictionary(), c.Up.ToDictionary(), c.Seconds))]);
    }
}
