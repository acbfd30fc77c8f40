using FedLab.Engine.Runs;
using Microsoft.Data.Sqlite;

namespace FedLab.Data.Recording;

/// <summary>
/// The write path for rounds: one round row, its client-round rows through ONE prepared command rebound per
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
    /// Client-round rows through ONE prepared single-row statement, rebound per row. (Multi-row INSERTs were
    /// measured slower here: Microsoft.Data.Sqlite binds each parameter by name, a linear lookup in SQLite, so
    /// binding cost grows with the square of the parameters per statement.)
    /// </summary>
    public static void WriteClientRounds(SqliteConnection connection, SqliteTransaction transaction, long runKey, IReadOnlyList<ClientRoundMetrics> clients)
    {
        if (clients.Count == 0)
        {
            return;
        }
        using var insert = Prepare(connection, transaction, InsertClientSql, ClientColumns.Length);
        foreach (var c in clients)
        {
            BindClient(insert.Parameters, runKey, c);
            insert.ExecuteNonQuery();
        }
    }

    private static void BindClient(SqliteParameterCollection p, long runKey, ClientRoundMetrics c)
    {
        int i = 0;
        p[i++].Value = runKey;
        p[i++].Value = c.Round;
        p[i++].Value = c.ClientId;
        p[i++].Value = c.Examples;
        p[i++].Value = c.Steps;
        p[i++].Value = Real(c.TrainLoss);
        p[i++].Value = c.BytesUp;
        p[i++].Value = c.BytesDown;
        i = BindByKind(p, i, PayloadBytes.From(c.BytesUpByKind), PayloadBytes.From(c.BytesDownByKind));
        p[i++].Value = Real(c.Flops);
        p[i++].Value = Real(c.Seconds);
        p[i].Value = Real(c.Accuracy);
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
