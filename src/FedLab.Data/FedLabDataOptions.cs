using Microsoft.Data.Sqlite;

namespace FedLab.Data;

/// <summary>Where the database and the run checkpoints live (absolute paths).</summary>
public sealed record FedLabDataOptions
{
    public FedLabDataOptions(string databasePath, string checkpointDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointDirectory);
        DatabasePath = Path.GetFullPath(databasePath);
        CheckpointDirectory = Path.GetFullPath(checkpointDirectory);
    }

    public string DatabasePath { get; }
    public string CheckpointDirectory { get; }

    /// <summary>Where every run also writes TensorBoard event files (<see cref="Export.TensorBoardSink"/>); null: it does not.</summary>
    public string? TensorBoardDirectory { get; init => field = value is null ? null : Path.GetFullPath(value); }

    public string ConnectionString => new SqliteConnectionStringBuilder
    {
        DataSource = DatabasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        // Another process (dashboard and CLI share the file) may hold the write lock for one round's transaction.
        DefaultTimeout = 30,
    }.ToString();
}
