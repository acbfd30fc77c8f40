using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FedLab.Data.Tests;

/// <summary>A real SQLite file in a temp folder of its own, migrated, wired through AddFedLabData; deleted on dispose.</summary>
internal sealed class TestDatabase : IDisposable
{
    private readonly ServiceProvider _services;

    private TestDatabase(string folder)
    {
        Folder = folder;
        _services = new ServiceCollection()
            .AddFedLabData(DatabasePath, CheckpointDirectory)
            .BuildServiceProvider();
    }

    public string Folder { get; }
    public string DatabasePath => Path.Combine(Folder, "fedlab.db");
    public string CheckpointDirectory => Path.Combine(Folder, "checkpoints");
    public IDbContextFactory<FedLabDbContext> Contexts => _services.GetRequiredService<IDbContextFactory<FedLabDbContext>>();
    public RunStore Store => _services.GetRequiredService<RunStore>();
    public RunRecorderFactory Recorders => _services.GetRequiredService<RunRecorderFactory>();
    public RunLauncher Launcher => _services.GetRequiredService<RunLauncher>();

    public static async Task<TestDatabase> CreateAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fedlab-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var db = new TestDatabase(folder);
        await DatabaseInitializer.MigrateAsync(db.Contexts, CancellationToken.None);
        return db;
    }

    /// <summary>A raw connection to the same file, for assertions the public API does not expose.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath}");
        connection.Open();
        return connection;
    }

    public long Scalar(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        _services.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still be releasing the file; the OS cleans temp.
        }
    }
}
