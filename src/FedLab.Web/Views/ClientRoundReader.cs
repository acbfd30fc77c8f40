using FedLab.Data;
using FedLab.Engine.Runs;
using Microsoft.EntityFrameworkCore;

namespace FedLab.Web.Views;

/// <summary>One round's client rows from the store (the recorder commits them with the round, before it is published).</summary>
public sealed class ClientRoundReader(IDbContextFactory<FedLabDbContext> contexts)
{
    public async Task<IReadOnlyList<ClientRoundMetrics>> ReadAsync(Guid runId, int round, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var key = await db.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => (long?)r.Key).SingleOrDefaultAsync(ct);
        if (key is null)
        {
            return [];
        }
        var rows = await db.ClientRounds.AsNoTracking().Where(c => c.RunKey == key && c.Round == round).OrderBy(c => c.ClientId).ToListAsync(ct);
        var none = new Dictionary<PayloadKind, long>();
        return [.. rows.Select(c => new ClientRoundMetrics(c.Round, c.ClientId, c.Examples, c.Steps, c.TrainLoss ?? double.NaN,
            c.BytesDown, c.BytesUp, none, none, c.Flops, c.Seconds, c.Accuracy))];
    }
}
