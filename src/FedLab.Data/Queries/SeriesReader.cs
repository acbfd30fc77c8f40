using System.Data;
using System.Text.Json;
using FedLab.Engine.Runs;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace FedLab.Data.Queries;

/// <summary>A run's identity and its rounds in order, as the comparison queries read them.</summary>
internal sealed record RunRounds(Guid Id, string Name, string Framework, RunStatus Status, int RoundsDone, int TotalRounds, IReadOnlyList<RoundRow> Rounds);

/// <summary>
/// Many runs' rounds in ONE statement: the runs LEFT JOIN their rounds, read through the rounds' primary key
/// (RunKey, Round). Runs come back in the order asked for; unknown ids are left out; a run without rounds comes
/// back with none. Ordering by the run's Id (the order SQLite walks the IN list through IX_Runs_Id) and the
/// round (the key order) lets SQLite stream rows without sorting them. A plain SQLite reader rather than EF materialisation: this is the comparison page's hot
/// query (20 runs x 1000 rounds = 20,000 rows), and reading columns by ordinal is several times faster.
/// </summary>
internal static class SeriesReader
{
    private const string Sql = """
        SELECT u.Key, u.Id, u.Name, u.Framework, u.Status, u.LastRound, u.TotalRounds,
               r.Round, r.Accuracy, r.MacroF1, r.Loss, r.EvalExamples, r.Clients, r.BytesUp, r.BytesDown,
               r.UpParameters, r.UpLogits, r.UpActivations, r.UpActivationGradients, r.UpLabels,
               r.DownParameters, r.DownLogits, r.DownActivations, r.DownActivationGradients, r.DownLabels,
               r.ClientFlops, r.ClientSeconds, r.ServerSeconds, r.EvalSeconds, r.WallSeconds,
               r.TrainLoss, r.ClientAccuracyMean, r.ClientAccuracyStd, r.FinishedAt
        FROM Runs u LEFT JOIN Rounds r ON r.RunKey = u.Key
        WHERE u.Id IN (SELECT value FROM json_each($ids))
        ORDER BY u.Id, r.Round
        """;

    public static async Task<IReadOnlyList<RunRounds>> ReadAsync(FedLabDbContext db, IReadOnlyCollection<Guid> runIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        var ids = runIds.Distinct().ToList();
        if (ids.Count == 0)
        {
            return [];
        }
        var byRun = new Dictionary<Guid, RunRounds>();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = Sql;
            // EF stores GUIDs as upper-case text.
            ((SqliteCommand)command).Parameters.AddWithValue("$ids", JsonSerializer.Serialize(ids.Select(id => id.ToString("D").ToUpperInvariant())));
            await using var reader = await command.ExecuteReaderAsync(ct);
            long currentKey = long.MinValue; // rows arrive grouped by run
            List<RoundRow>? rounds = null;
            while (await reader.ReadAsync(ct))
            {
                long key = reader.GetInt64(0);
                if (key != currentKey)
                {
                    currentKey = key;
                    rounds = [];
                    var run = new RunRounds(Guid.Parse(reader.GetString(1)), reader.GetString(2), reader.GetString(3), RowMapping.Status(reader.GetString(4)),
                        reader.IsDBNull(5) ? 0 : reader.GetInt32(5), reader.GetInt32(6), rounds);
                    byRun[run.Id] = run;
                }
                if (!reader.IsDBNull(7))
                {
                    rounds!.Add(ReadRound(reader));
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return ids.Where(byRun.ContainsKey).Select(id => byRun[id]).ToList();
    }

    private static RoundRow ReadRound(IDataRecord r) => new()
    {
        Round = r.GetInt32(7),
        Accuracy = Real(r, 8),
        MacroF1 = Real(r, 9),
        Loss = Real(r, 10),
        EvalExamples = r.GetInt32(11),
        Clients = r.GetInt32(12),
        BytesUp = r.GetInt64(13),
        BytesDown = r.GetInt64(14),
        Up = new PayloadBytes(r.GetInt64(15), r.GetInt64(16), r.GetInt64(17), r.GetInt64(18), r.GetInt64(19)),
        Down = new PayloadBytes(r.GetInt64(20), r.GetInt64(21), r.GetInt64(22), r.GetInt64(23), r.GetInt64(24)),
        ClientFlops = r.GetDouble(25),
        ClientSeconds = r.GetDouble(26),
        ServerSeconds = r.GetDouble(27),
        EvalSeconds = r.GetDouble(28),
        WallSeconds = r.GetDouble(29),
        TrainLoss = Nullable(r, 30),
        ClientAccuracyMean = Nullable(r, 31),
        ClientAccuracyStd = Nullable(r, 32),
        FinishedAt = RowMapping.Utc(r.GetDateTime(33)),
    };

    // NULL is how SQLite keeps NaN.
    private static double Real(IDataRecord r, int i) => r.IsDBNull(i) ? double.NaN : r.GetDouble(i);

    private static double? Nullable(IDataRecord r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);
}
