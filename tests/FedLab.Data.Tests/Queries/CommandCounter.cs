using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace FedLab.Data.Tests.Queries;

/// <summary>
/// Counts the SELECT statements SQLite itself executes on connections the store opens (sqlite3_trace), so
/// raw commands count as well as EF's.
/// </summary>
internal sealed class CommandCounter : DbConnectionInterceptor
{
    private readonly strdelegate_trace _callback;
    private int _count;

    public CommandCounter()
    {
        _callback = (_, sql) =>
        {
            if (sql.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
            {
                Interlocked.Increment(ref _count);
            }
        };
    }

    public int Count
    {
        get => Volatile.Read(ref _count);
        set => Volatile.Write(ref _count, value);
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Trace(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Trace(connection);
        return Task.CompletedTask;
    }

    private void Trace(DbConnection connection) => raw.sqlite3_trace(((SqliteConnection)connection).Handle, _callback, null);
}
