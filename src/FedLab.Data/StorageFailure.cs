using Microsoft.Data.Sqlite;

namespace FedLab.Data;

/// <summary>Plain words for a failed write to the data folder (the database or a checkpoint).</summary>
public static class StorageFailure
{
    /// <summary>SQLITE_FULL: the database or its journal could not grow.</summary>
    private const int SqliteFull = 13;

    /// <summary>Whether the write failed because the disk is full (SQLITE_FULL, ENOSPC, ERROR_DISK_FULL).</summary>
    public static bool IsDiskFull(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: SqliteFull }
                || (e is IOException && ((e.HResult & 0xFFFF) is 28 or 39 or 112 || e.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase))))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>"the data folder is full: …" or "could not write to the database: …", for a run's error.</summary>
    public static string Describe(Exception ex) =>
        IsDiskFull(ex) ? $"the data folder is full: {ex.Message}" : $"could not write to the database: {ex.Message}";
}
