using FedLab.Data;

namespace FedLab.Web.Views;

/// <summary>
/// The client x round loss grid for the heatmap. A run with more than <see cref="MaxRows"/> rounds is
/// averaged into buckets of consecutive rounds, so the first draw stays small (1,000 rounds x 100 clients
/// becomes 200 x 100 cells).
/// </summary>
public sealed record HeatmapRows(int Clients, IReadOnlyList<HeatmapRow> Rows, bool Bucketed)
{
    public const int MaxRows = 200;

    public static HeatmapRows Empty { get; } = new(0, [], false);

    public static HeatmapRows From(int clients, IReadOnlyList<ClientRoundRow> clientRounds, int lastRound)
    {
        if (clients <= 0 || lastRound < 1)
        {
            return new HeatmapRows(Math.Max(0, clients), [], false);
        }
        int bucket = Math.Max(1, (int)Math.Ceiling(lastRound / (double)MaxRows));
        int rows = (lastRound + bucket - 1) / bucket;
        var sum = new double[rows, clients];
        var count = new int[rows, clients];
        foreach (var c in clientRounds)
        {
            if (c.Round < 1 || c.Round > lastRound || c.ClientId < 0 || c.ClientId >= clients || !double.IsFinite(c.TrainLoss))
            {
                continue;
            }
            int row = (c.Round - 1) / bucket;
            sum[row, c.ClientId] += c.TrainLoss;
            count[row, c.ClientId]++;
        }
        var result = new List<HeatmapRow>(rows);
        for (int r = 0; r < rows; r++)
        {
            var values = new double?[clients];
            for (int c = 0; c < clients; c++)
            {
                values[c] = count[r, c] == 0 ? null : Math.Round(sum[r, c] / count[r, c], 5);
            }
            result.Add(new HeatmapRow(r * bucket + 1, values));
        }
        return new HeatmapRows(clients, result, bucket > 1);
    }

    /// <summary>A live round's row from the client rounds reported for it.</summary>
    public static HeatmapRow Row(int clients, int round, IEnumerable<(int ClientId, double TrainLoss)> losses)
    {
        var values = new double?[clients];
        foreach (var (client, loss) in losses)
        {
            if (client >= 0 && client < clients && double.IsFinite(loss))
            {
                values[client] = Math.Round(loss, 5);
            }
        }
        return new HeatmapRow(round, values);
    }
}
