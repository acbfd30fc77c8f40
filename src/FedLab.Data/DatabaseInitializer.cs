using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace FedLab.Data;

/// <summary>Creates the database or applies pending migrations, and puts it in WAL mode. Call once at start-up.</summary>
public static class DatabaseInitializer
{
    public static async Task MigrateAsync(IDbContextFactory<FedLabDbContext> contexts, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var dataSource = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        if (Path.GetDirectoryName(Path.GetFullPath(dataSource)) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }
        // WAL lets the dashboard read while a run writes, and makes each committed round durable on its own.
        // The mode is stored in the file, so setting it once here covers every later connection.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var mode = await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode=WAL").ToListAsync(ct);
            if (mode.Count != 1 || !string.Equals(mode[0], "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite refused WAL mode for {dataSource} (journal mode {string.Join(",", mode)})");
            }
            await db.Database.MigrateAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
