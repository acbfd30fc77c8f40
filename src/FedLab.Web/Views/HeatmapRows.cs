namespace FedLab.Web.Views;

/// <summary>
/// The client x round loss grid for the heatmap, with the cells where a client failed marked. A run with more than <see cref="MaxRows"/> rounds is
/// averaged into buckets of consecutive rounds, so the first draw stays small (1,000 rounds x 100 clients
/// becomes 200 x 100 cells).
/// </summary>
public sealed record HeatmapRows(int Clients, IReadOnlyList<HeatmapRow> Rows, bool Bucketed)
{
    public const int MaxRows = 200;

    public static HeatmapRows Empty { get; } = new(0, [], false);

    /// <summary>Consecutive rounds per heatmap row, so a run has at most <see cref="MaxRows"/> rows.</summary>
    public static int BucketSize(int lastRound) => Math.Max(1, (int)Math.Ceiling(lastRound / (double)MaxRows));

    /// <summary>The grid from the cells the store's aggregate query returns (bucketed by <see cref="BucketSize"/>).</summary>
    public static HeatmapRows FromCells(int clients, int lastRound, IEnumerable<Data.HeatmapCell> cells)
    {
        if (clients <= 0 || lastRound < 1)
        {
            return new HeatmapRows(Math.Max(0, clients), [], false);
        }
        int bucket = BucketSize(lastRound);
        int rows = (lastRound + bucket - 1) / bucket;
        var grid = new double?[rows][];
        var failures = new string?[rows][];
        for (int r = 0; r < rows; r++)
        {
            grid[r] = new double?[clients];
        }
        foreach (var (row, client, loss, failure) in cells)
        {
            if (row < 0 || row >= rows || client < 0 || client >= clients)
            {
                continue;
            }
            if (loss is double v && double.IsFinite(v))
            {
                grid[row][client] = Math.Round(v, 5);
            }
            if (failure is not null)
            {
                (failures[row] ??= new string?[clients])[client] = failure;
            }
        }
        return new HeatmapRows(clients, [.. grid.Select((values, r) => new HeatmapRow(r * bucket + 1, values, failures[r]))], bucket > 1);
    }

    /// <summary>A live round's row from the client rounds reported for it (results and failures).</summary>
    public static HeatmapRow Row(int clients, int round, IEnumerable<(int ClientId, double TrainLoss)> losses, IEnumerable<(int ClientId, string Failure)>? failed = null)
    {
        var values = new double?[clients];
        foreach (var (client, loss) in losses)
        {
            if (client >= 0 && client < clients && double.IsFinite(loss))
            {
                values[client] = Math.Round(loss, 5);
            }
        }
        string?[]? failures = null;
        foreach (var (client, failure) in failed ?? [])
        {
            if (client >= 0 && client < clients)
            {
                (failures ??= new string?[clients])[client] = failure;
            }
        }
        return new HeatmapRow(round, values, failures);
    }

    /// <summary>How a failure reads in the heatmap: "kind: reason".</summary>
    public static string FailureText(string kind, string? reason) => string.IsNullOrWhiteSpace(reason) ? kind : $"{kind}: {reason}";
}
