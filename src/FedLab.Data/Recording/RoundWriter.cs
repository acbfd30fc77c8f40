using FedLab.Engine.Runs;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace FedLab.Data.Recording;

/// <summary>
/// The write path for rounds: one round row, its client-round rows through ONE prepared statement rebound per
/// row, and the run's progress, all inside the caller's transaction. EF Core's change tracker costs tens of
/// microseconds per row; a prepared SQLite statement costs a few. The recorder and the persistence benchmark
/// both go through here. Inserts replace an existing row with the same key, so a round recorded again
/// (round 0 after a resume from a round-0 checkpoint) never aborts the transaction.
/// </summary>
internal static class RoundWriter
{
    private static readonly string[] ByKindColumns =
    [
        "UpParameters", "UpLogits", "UpActivations", "UpActivationGradients", "UpLabels",
        "DownParameters", "DownLogits", "DownActivations", "DownActivationGradients", "DownLabels",
    ];

    private static readonly string[] RoundColumns =
    [
        "RunKey", "Round", "Accuracy", "MacroF1", "Loss", "EvalExamples", "Clients", "BytesUp", "BytesDown",
        .. ByKindColumns,
        "ClientFlops", "ClientSeconds", "ServerSeconds", "EvalSeconds", "WallSeconds", "TrainLoss",
        "ClientAccuracyMean", "ClientAccuracyStd", "FinishedAt",
    ];

    private static readonly string[] ClientColumns =
    [
        "RunKey", "Round", "ClientId", "Examples", "Steps", "TrainLoss", "BytesUp", "BytesDown",
        .. ByKindColumns,
        "Flops", "Seconds", "Accuracy",
    ];

    private static readonly string InsertRoundSql = InsertSql("Rounds", RoundColumns);
    private static readonly string InsertClientSql = InsertSql("ClientRounds", ClientColumns);

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
        IReadOnlyList<ClientRoundMetrics> clients, int totalRounds, string? checkpointPath, DateTime finishedAt)
    {
        using (var insert = Prepare(connection, transaction, InsertRoundSql, RoundColumns.Length))
        {
            var p = insert.Parameters;
            var g = round.Global;
            var up = PayloadBytes.From(round.BytesUpByKind);
            var down = PayloadBytes.From(round.BytesDownByKind);
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
            i = BindByKind(p, i, up, down);
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
        WriteClientRounds(connection, transaction, runKey, clients);
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
    public static void WriteClientRounds(SqliteConnection connection, SqliteTransaction transaction, long runKey, IReadOnlyList<ClientRoundMetrics> clients)
    {
        if (clients.Count == 0)
        {
            return;
        }
        if (connection.Handle is not sqlite3 db || transaction.Connection != connection)
        {
            throw new InvalidOperationException("client rounds are written on an open connection inside its transaction");
        }
        Check(db, raw.sqlite3_prepare_v2(db, InsertClientSql, out sqlite3_stmt statement));
        using (statement)
        {
            foreach (var c in clients)
            {
                var up = PayloadBytes.From(c.BytesUpByKind);
                var down = PayloadBytes.From(c.BytesDownByKind);
                int i = 1;
                Bind(db, statement, i++, runKey);
                Bind(db, statement, i++, c.Round);
                Bind(db, statement, i++, c.ClientId);
                Bind(db, statement, i++, c.Examples);
                Bind(db, statement, i++, c.Steps);
                Bind(db, statement, i++, c.TrainLoss);
                Bind(db, statement, i++, c.BytesUp);
                Bind(db, statement, i++, c.BytesDown);
                foreach (var bytes in (ReadOnlySpan<long>)[up.Parameters, up.Logits, up.Activations, up.ActivationGradients, up.Labels,
                    down.Parameters, down.Logits, down.Activations, down.ActivationGradients, down.Labels])
                {
                    Bind(db, statement, i++, bytes);
                }
                Bind(db, statement, i++, c.Flops);
                Bind(db, statement, i++, c.Seconds);
                Bind(db, statement, i, c.Accuracy);
                int rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE)
                {
                    Check(db, rc);
                }
                Check(db, raw.sqlite3_reset(statement));
            }
        }
    }

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

    private static int BindByKind(SqliteParameterCollection p, int i, PayloadBytes up, PayloadBytes down)
    {
        p[i++].Value = up.Parameters;
        p[i++].Value = up.Logits;
        p[i++].Value = up.Activations;
        p[i++].Value = up.ActivationGradients;
        p[i++].Value = up.Labels;
        p[i++].Value = down.Parameters;
        p[i++].Value = down.Logits;
        p[i++].Value = down.Activations;
        p[i++].Value = down.ActivationGradients;
        p[i++].Value = down.Labels;
        return i;
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
