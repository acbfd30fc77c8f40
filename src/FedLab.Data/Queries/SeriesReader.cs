using FedLab.Engine.Runs;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;
using static SQLitePCL.raw;

namespace FedLab.Data.Queries;

/// <summary>A run's identity and its rounds in order, as the comparison queries read them.</summary>
internal sealed record RunRounds(Guid Id, string Name, string Framework, RunStatus Status, int RoundsDone, int TotalRounds, IReadOnlyList<RoundPoint> Rounds);

/// <summary>
/// Many runs' rounds in ONE statement: the runs LEFT JOIN their rounds through the rounds' primary key
/// (RunKey, Round); each round's traffic by payload kind comes along as one text column, read through
/// RoundTraffic's key (joining the traffic rows instead would repeat every round once per kind). Ordering by the run's Id (the order SQLite walks the IN list through IX_Runs_Id) and the
/// round (the key order) lets SQLite stream the rows without sorting them. Runs come back in the order asked
/// for; unknown ids are left out; a run without rounds comes back with none.
/// This is the comparison page's hot query (20 runs x 1000 rounds = 20,000 rows x 20 columns). It steps the
/// statement through SQLitePCL directly: Microsoft.Data.Sqlite's reader spends about 0.3 µs of checks per
/// column read, which made this query several times slower than SQLite itself.
/// </summary>
internal static class SeriesReader
{
    private const string Sql = $$"""
        SELECT u.Key, u.Id, u.Name, u.Framework, u.Status, u.LastRound, u.TotalRounds,
               r.Round, r.Accuracy, r.MacroF1, r.Loss, r.BytesUp, r.BytesDown,
               r.ClientFlops, r.ClientSeconds, r.WallSeconds, r.TrainLoss, r.ClientAccuracyMean, r.ClientAccuracyStd,
               (SELECT group_concat(t.Kind || char(31) || t.BytesUp || char(31) || t.BytesDown, char(30))
                FROM RoundTraffic t WHERE t.RunKey = r.RunKey AND t.Round = r.Round),
               (SELECT group_concat(m.Name || char(31) || CASE WHEN m.Value IS NULL THEN 'NaN' ELSE printf('%.17g', m.Value) END, char(30))
                FROM RoundMetrics m WHERE m.RunKey = r.RunKey AND m.Round = r.Round AND {{SummaryMetrics.SqlFilter}})
        FROM Runs u LEFT JOIN Rounds r ON r.RunKey = u.Key
        WHERE u.Id IN (SELECT value FROM json_each(?1))
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
        // EF stores GUIDs as upper-case text.
        var idsJson = System.Text.Json.JsonSerializer.Serialize(ids.Select(id => id.ToString("D").ToUpperInvariant()));
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var handle = ((SqliteConnection)db.Database.GetDbConnection()).Handle!;
            var byRun = Read(handle, idsJson, ct);
            return ids.Where(byRun.ContainsKey).Select(id => byRun[id]).ToList();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static Dictionary<Guid, RunRounds> Read(sqlite3 connection, string idsJson, CancellationToken ct)
    {
        Check(connection, sqlite3_prepare_v2(connection, Sql, out sqlite3_stmt statement));
        using (statement)
        {
            Check(connection, sqlite3_bind_text(statement, 1, idsJson));
            var byRun = new Dictionary<Guid, RunRounds>();
            long currentKey = long.MinValue; // rows arrive grouped by run
            List<RoundPoint>? rounds = null;
            var kinds = new List<PayloadKind>();
            int rc;
            for (int row = 0; (rc = sqlite3_step(statement)) == SQLITE_ROW; row++)
            {
                if (row % 4096 == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }
                long key = sqlite3_column_int64(statement, 0);
                if (key != currentKey)
                {
                    currentKey = key;
                    rounds = [];
                    var run = new RunRounds(Guid.Parse(Text(statement, 1)), Text(statement, 2), Text(statement, 3), RowMapping.Status(Text(statement, 4)),
                        IsNull(statement, 5) ? 0 : sqlite3_column_int(statement, 5), sqlite3_column_int(statement, 6), rounds);
                    byRun[run.Id] = run;
                }
                if (!IsNull(statement, 7))
                {
                    var (up, down) = IsNull(statement, 19) ? (PayloadBytes.Zero, PayloadBytes.Zero) : ParseTraffic(Text(statement, 19), kinds);
                    var round = ReadRound(statement, up, down);
                    rounds!.Add(IsNull(statement, 20) ? round : round with { Extra = SummaryMetrics.Parse(Text(statement, 20)) });
                }
            }
            if (rc != SQLITE_DONE)
            {
                Check(connection, rc);
            }
            return byRun;
        }
    }

    private static RoundPoint ReadRound(sqlite3_stmt s, PayloadBytes up, PayloadBytes down) => new(
        sqlite3_column_int(s, 7),
        Real(s, 8),
        Real(s, 9),
        Real(s, 10),
        sqlite3_column_int64(s, 11),
        sqlite3_column_int64(s, 12),
        up,
        down,
        sqlite3_column_double(s, 13),
        sqlite3_column_double(s, 14),
        sqlite3_column_double(s, 15),
        Nullable(s, 16),
        Nullable(s, 17),
        Nullable(s, 18));

    /// <summary>
    /// "kind\x1Fup\x1Fdown" per kind, joined by \x1E (ASCII unit and record separators, which no kind name uses), read
    /// without splitting; <paramref name="kinds"/> keeps one <see cref="PayloadKind"/> per name seen in this read.
    /// </summary>
    private static (PayloadBytes Up, PayloadBytes Down) ParseTraffic(ReadOnlySpan<char> text, List<PayloadKind> kinds)
    {
        var up = new List<KeyValuePair<PayloadKind, long>>(2);
        var down = new List<KeyValuePair<PayloadKind, long>>(2);
        while (!text.IsEmpty)
        {
            int end = text.IndexOf('\x1E');
            var record = end < 0 ? text : text[..end];
            text = end < 0 ? [] : text[(end + 1)..];
            int first = record.IndexOf('\x1F');
            var name = record[..first];
            var numbers = record[(first + 1)..];
            int second = numbers.IndexOf('\x1F');
            var kind = Kind(name, kinds);
            up.Add(new(kind, long.Parse(numbers[..second], System.Globalization.CultureInfo.InvariantCulture)));
            down.Add(new(kind, long.Parse(numbers[(second + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
        }
        return (PayloadBytes.From(up), PayloadBytes.From(down));
    }

    private static PayloadKind Kind(ReadOnlySpan<char> name, List<PayloadKind> kinds)
    {
        foreach (var k in kinds)
        {
            if (name.SequenceEqual(k.Name))
            {
                return k;
            }
        }
        var kind = new PayloadKind(name.ToString());
        kinds.Add(kind);
        return kind;
    }

    private static bool IsNull(sqlite3_stmt s, int i) => sqlite3_column_type(s, i) == SQLITE_NULL;

    // NULL is how SQLite keeps NaN.
    private static double Real(sqlite3_stmt s, int i) => IsNull(s, i) ? double.NaN : sqlite3_column_double(s, i);

    private static double? Nullable(sqlite3_stmt s, int i) => IsNull(s, i) ? null : sqlite3_column_double(s, i);

    private static string Text(sqlite3_stmt s, int i) => sqlite3_column_text(s, i).utf8_to_string();

    private static void Check(sqlite3 connection, int rc)
    {
        if (rc != SQLITE_OK)
        {
            throw new SqliteException(sqlite3_errmsg(connection).utf8_to_string(), rc);
        }
    }
}
