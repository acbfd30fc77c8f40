using FedLab.Engine.Runs;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace FedLab.Data.Recording;

/// <summary>
/// The write path for rounds: one round row, its traffic rows (one per payload kind) and named-metric rows, its client-round rows
/// and their traffic rows through prepared statements rebound per row (failed clients are client-round rows too,
/// with their failure kind as status), and the run's progress, all inside the caller's transaction. EF Core's change tracker costs tens of
/// microseconds per row; a prepared SQLite statement costs a few. The recorder and the persistence benchmark
/// both go through here. Inserts replace an existing row with the same key, so a round recorded again
/// (round 0 after a resume from a round-0 checkpoint) never aborts the transaction.
/// </summary>
internal static class RoundWriter
{
    private static readonly string[] RoundColumns =
    [
        "RunKey", "Round", "Accuracy", "MacroF1", "Loss", "EvalExamples", "Clients", "BytesUp", "BytesDown",
        "ClientFlops", "ClientSeconds", "ServerSeconds", "EvalSeconds", "WallSeconds", "TrainLoss",
        "ClientAccuracyMean", "ClientAccuracyStd", "FinishedAt",
    ];

    private static readonly string[] ClientColumns =
    [
        "RunKey", "Round", "ClientId", "Examples", "Steps", "TrainLoss", "BytesUp", "BytesDown",
        "Flops", "Seconds", "Accuracy", "Status", "Reason",
    ];

    private static readonly string[] RoundTrafficColumns = ["RunKey", "Round", "Kind", "BytesUp", "BytesDown"];
    private static readonly string[] ClientTrafficColumns = ["RunKey", "Round", "ClientId", "Kind", "BytesUp", "BytesDown"];

    private static readonly string[] RoundMetricColumns = ["RunKey", "Round", "Name", "Value"];
    private static readonly string[] ClientMetricColumns = ["RunKey", "Round", "ClientId", "Name", "Value"];

    private static readonly string InsertRoundSql = InsertSql("Rounds", RoundColumns);
    private static readonly string InsertClientSql = InsertSql("ClientRounds", ClientColumns);
    private static readonly string InsertRoundTrafficSql = InsertSql("RoundTraffic", RoundTrafficColumns);
    private static readonly string InsertClientTrafficSql = InsertSql("ClientRoundTraffic", ClientTrafficColumns);
    private static readonly string InsertRoundMetricSql = InsertSql("RoundMetrics", RoundMetricColumns);
    private static readonly string InsertClientMetricSql = InsertSql("ClientRoundMetrics", ClientMetricColumns);

    // A round recorded again replaces its traffic and named metrics entirely: a kind or a metric the earlier attempt
    // had and this one lacks must go.
    private const string DeleteTrafficSql = """
        DELETE FROM RoundTraffic WHERE RunKey = $key AND Round = $round;
        DELETE FROM ClientRoundTraffic WHERE RunKey = $key AND Round = $round;
        DELETE FROM RoundMetrics WHERE RunKey = $key AND Round = $round;
        DELETE FROM ClientRoundMetrics WHERE RunKey = $key AND Round = $round;
        """;

    // Totals, best and final come from the stored rounds themselves, so they stay exact whatever was
    // recorded before (a resume, a round written twice).
    private const string ProgressSql = """
        UPDATE Runs SET
          (LastRound, TotalBytesUp, TotalBytesDown, TotalClientFlops, TotalClientSeconds, TotalSeconds, BestAccuracy) =
            (SELECT MAX(Round), COALESCE(SUM(BytesUp), 0), COALESCE(SUM(BytesDown), 0), COALESCE(SUM(ClientFlops), 0),
                    COALESCE(SUM(ClientSeconds), 0), COALESCE(SUM(WallSeconds), 0), MAX(Accuracy)
             FROM Rounds WHERE RunKey = $key),
          BestRound = (SELECT Round FROM Rounds WHERE RunKey = $key AND Accuracy IS NOT NULL ORDER BY Accuracy DESC, Round LIMIT 1),
          (FinalAccuracy, FinalMacroF1, FinalLoss) =
            (SELECT Accuracy, MacroF1, Loss FROM Rounds WHERE RunKey = $key ORDER BY Round DESC LIMIT 1)
        WHERE Key = $key
        """;

    private const string CheckpointSql = """
        UPDATE Runs SET CheckpointPath = $path, CheckpointRound = $round, TotalRounds = $total WHERE Key = $key
        """;

    /// <summary>Writes one finished round and everything the run row says about progress.</summary>
    public static void Write(SqliteConnection connection, SqliteTransaction transaction, long runKey, RoundMetrics round,
        IReadOnlyList<ClientRoundMetrics> clients, int totalRounds, string? checkpointPath, DateTime finishedAt,
        IReadOnlyList<ClientFailure>? failures = null)
    {
        using (var delete = Command(connection, transaction, DeleteTrafficSql))
        {
            delete.Parameters.AddWithValue("$key", runKey);
            delete.Parameters.AddWithValue("$round", round.Round);
            delete.ExecuteNonQuery();
        }
        using (var insert = Prepare(connection, transaction, InsertRoundSql, RoundColumns.Length))
        {
            var p = insert.Parameters;
            var g = round.Global;
            int i = 0;
            p[i++].Value = runKey;
            p[i++].Value = round.Round;
            p[i++].Value = Real(g.Accuracy);
            p[i++].Value = Real(g.MacroF1);
            p[i++].Value = Real(g.Loss);
            p[i++].Value = g.Examples;
            p[i++].Value = round.Clients;
            p[i++].Value = round.BytesUp;
            p[i++].Value = round.BytesDown;
            p[i++].Value = Real(round.ClientFlops);
            p[i++].Value = Real(round.ClientSeconds);
            p[i++].Value = Real(round.ServerSeconds);
            p[i++].Value = Real(round.EvalSeconds);
            p[i++].Value = Real(round.WallSeconds);
            p[i++].Value = Real(round.TrainLoss);
            p[i++].Value = Real(round.ClientAccuracyMean);
            p[i++].Value = Real(round.ClientAccuracyStd);
            p[i++].Value = finishedAt;
            insert.ExecuteNonQuery();
        }
        using (var traffic = Prepare(connection, transaction, InsertRoundTrafficSql, RoundTrafficColumns.Length))
        {
            foreach (var (kind, up, down) in Traffic(round.BytesUpByKind, round.BytesDownByKind))
            {
                var p = traffic.Parameters;
                (p[0].Value, p[1].Value, p[2].Value, p[3].Value, p[4].Value) = (runKey, round.Round, kind, up, down);
                traffic.ExecuteNonQuery();
            }
        }
        if (round.Extra is { Count: > 0 } extra)
        {
            using var metric = Prepare(connection, transaction, InsertRoundMetricSql, RoundMetricColumns.Length);
            foreach (var (name, value) in extra)
            {
                var p = metric.Parameters;
                (p[0].Value, p[1].Value, p[2].Value, p[3].Value) = (runKey, round.Round, name, Real(value));
                metric.ExecuteNonQuery();
            }
        }
        WriteClientRounds(connection, transaction, runKey, clients, failures ?? []);
        if (checkpointPath is not null)
        {
            using var checkpoint = Command(connection, transaction, CheckpointSql);
            checkpoint.Parameters.AddWithValue("$path", checkpointPath);
            checkpoint.Parameters.AddWithValue("$round", round.Round);
            checkpoint.Parameters.AddWithValue("$total", totalRounds);
            checkpoint.Parameters.AddWithValue("$key", runKey);
            checkpoint.ExecuteNonQuery();
        }
        if (UpdateProgress(connection, transaction, runKey) != 1)
        {
            throw new InvalidOperationException($"run row {runKey} does not exist");
        }
    }

    /// <summary>
    /// Client-round rows through ONE prepared statement, bound by position and stepped through SQLitePCL
    /// directly, inside the caller's transaction. Microsoft.Data.Sqlite binds every parameter by name on every
    /// execution (a linear lookup in SQLite) and wraps each execution in a reader; going under it makes a row
    /// cost about a microsecond. (Multi-row INSERTs through Microsoft.Data.Sqlite were measured slower still:
    /// binding by name grows with the square of the parameters per statement.)
    /// </summary>
    public static void WriteClientRounds(SqliteConnection connection, SqliteTransaction transaction, long runKey,
        IReadOnlyList<ClientRoundMetrics> clients, IReadOnlyList<ClientFailure> failures)
    {
        if (clients.Count == 0 && failures.Count == 0)
        {
            return;
        }
        if (connection.Handle is not sqlite3 db || transaction.Connection != connection)
        {
            throw new InvalidOperationException("client rounds are written on an open connection inside its transaction");
        }
        Check(db, raw.sqlite3_prepare_v2(db, InsertClientSql, out sqlite3_stmt statement));
        Check(db, raw.sqlite3_prepare_v2(db, InsertClientTrafficSql, out sqlite3_stmt traffic));
        Check(db, raw.sqlite3_prepare_v2(db, InsertClientMetricSql, out sqlite3_stmt metric));
        using (statement)
        using (traffic)
        using (metric)
        {
            foreach (var c in clients)
            {
                int i = 1;
                Bind(db, statement, i++, runKey);
                Bind(db, statement, i++, c.Round);
                Bind(db, statement, i++, c.ClientId);
                Bind(db, statement, i++, c.Examples);
                Bind(db, statement, i++, c.Steps);
                Bind(db, statement, i++, c.TrainLoss);
                Bind(db, statement, i++, c.BytesUp);
                Bind(db, statement, i++, c.BytesDown);
                Bind(db, statement, i++, c.Flops);
                Bind(db, statement, i++, c.Seconds);
                Bind(db, statement, i++, c.Accuracy);
                Bind(db, statement, i++, ClientRoundStatus.Ok);
                Bind(db, statement, i, (string?)null);
                Step(db, statement);
                WriteClientTraffic(db, traffic, runKey, c.Round, c.ClientId, c.BytesUpByKind, c.BytesDownByKind);
                foreach (var (name, value) in c.Extra ?? EmptyMetrics)
                {
                    Bind(db, metric, 1, runKey);
                    Bind(db, metric, 2, c.Round);
                    Bind(db, metric, 3, c.ClientId);
                    Bind(db, metric, 4, name);
                    Bind(db, metric, 5, value);
                    Step(db, metric);
                }
            }
            foreach (var f in failures)
            {
                int i = 1;
                Bind(db, statement, i++, runKey);
                Bind(db, statement, i++, f.Round);
                Bind(db, statement, i++, f.ClientId);
                Bind(db, statement, i++, 0L);
                Bind(db, statement, i++, 0L);
                Bind(db, statement, i++, (double?)null);
                Bind(db, statement, i++, f.BytesUp);
                Bind(db, statement, i++, f.BytesDown);
                Bind(db, statement, i++, 0.0);
                Bind(db, statement, i++, f.Seconds);
                Bind(db, statement, i++, (double?)null);
                Bind(db, statement, i++, string.IsNullOrWhiteSpace(f.Kind) ? ClientFailureKinds.Error : f.Kind);
                Bind(db, statement, i, f.Reason);
                Step(db, statement);
                WriteClientTraffic(db, traffic, runKey, f.Round, f.ClientId, f.BytesUpByKind, f.BytesDownByKind);
            }
        }
    }

    private static readonly IReadOnlyDictionary<string, double> EmptyMetrics = new Dictionary<string, double>();

    private static void WriteClientTraffic(sqlite3 db, sqlite3_stmt traffic, long runKey, int round, int clientId,
        IReadOnlyDictionary<PayloadKind, long> upByKind, IReadOnlyDictionary<PayloadKind, long> downByKind)
    {
        foreach (var (kind, up, down) in Traffic(upByKind, downByKind))
        {
            Bind(db, traffic, 1, runKey);
            Bind(db, traffic, 2, round);
            Bind(db, traffic, 3, clientId);
            Bind(db, traffic, 4, kind);
            Bind(db, traffic, 5, up);
            Bind(db, traffic, 6, down);
            Step(db, traffic);
        }
    }

    /// <summary>One (kind name, up, down) per kind that carried bytes in either direction.</summary>
    private static IEnumerable<(string Kind, long Up, long Down)> Traffic(IReadOnlyDictionary<PayloadKind, long> up, IReadOnlyDictionary<PayloadKind, long> down)
    {
        foreach (var (kind, bytes) in up)
        {
            long d = down.GetValueOrDefault(kind);
            if (bytes != 0 || d != 0)
            {
                yield return (kind.Name, bytes, d);
            }
        }
        foreach (var (kind, bytes) in down)
        {
            if (bytes != 0 && !up.ContainsKey(kind))
            {
                yield return (kind.Name, 0, bytes);
            }
        }
    }

    private static void Step(sqlite3 db, sqlite3_stmt statement)
    {
        int rc = raw.sqlite3_step(statement);
        if (rc != raw.SQLITE_DONE)
        {
            Check(db, rc);
        }
        Check(db, raw.sqlite3_reset(statement));
    }

    private static void Bind(sqlite3 db, sqlite3_stmt statement, int index, string? value) => Check(db, value is null
        ? raw.sqlite3_bind_null(statement, index)
        : raw.sqlite3_bind_text(statement, index, value));

    private static void Bind(sqlite3 db, sqlite3_stmt statement, int index, long value) => Check(db, raw.sqlite3_bind_int64(statement, index, value));

    // SQLite would store NaN as NULL anyway; saying so keeps the reading side's rule (NULL = NaN) explicit.
    private static void Bind(sqlite3 db, sqlite3_stmt statement, int index, double? value) => Check(db, value is double v && !double.IsNaN(v)
        ? raw.sqlite3_bind_double(statement, index, v)
        : raw.sqlite3_bind_null(statement, index));

    private static void Check(sqlite3 db, int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc);
        }
    }

    /// <summary>Recomputes last round, totals, best and final from the stored rounds; returns rows updated (1, or 0 if the run is gone).</summary>
    public static int UpdateProgress(SqliteConnection connection, SqliteTransaction transaction, long runKey)
    {
        using var progress = Command(connection, transaction, ProgressSql);
        progress.Parameters.AddWithValue("$key", runKey);
        return progress.ExecuteNonQuery();
    }

    // SQLite stores NaN as NULL; the readers turn NULL back into NaN (or null where the engine had null).
    private static object Real(double value) => double.IsNaN(value) ? DBNull.Value : value;

    private static object Real(double? value) => value is double v ? Real(v) : DBNull.Value;

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, int parameters)
    {
        var command = Command(connection, transaction, sql);
        for (int i = 0; i < parameters; i++)
        {
            command.Parameters.Add(new SqliteParameter("$p" + i, null));
        }
        command.Prepare();
        return command;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static string InsertSql(string table, string[] columns) =>
        $"INSERT OR REPLACE INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
}
