using FedLab.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FedLab.Web.Cli;

/// <summary>
/// The database as a headless command sees it: created or migrated, and swept for runs a dead process left
/// running (they become Interrupted) before the command does anything else.
/// </summary>
internal sealed class CliDatabase : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private CliDatabase(ServiceProvider services, FedLabSettings settings)
    {
        _services = services;
        Settings = settings;
    }

    public FedLabSettings Settings { get; }
    public RunStore Store => _services.GetRequiredService<RunStore>();
    public RunLauncher Launcher => _services.GetRequiredService<RunLauncher>();
    public Data.Studies.StudyStore Studies => _services.GetRequiredService<Data.Studies.StudyStore>();
    public Data.Studies.StudyAnalysis StudyAnalysis => _services.GetRequiredService<Data.Studies.StudyAnalysis>();

    public static async Task<CliDatabase> OpenAsync(FedLabSettings settings, TextWriter error, CancellationToken ct)
    {
        var services = new ServiceCollection()
            .AddLogging(logging => logging
                .SetMinimumLevel(LogLevel.Warning)
                .AddSimpleConsole(o => o.SingleLine = true)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace))
            .AddFedLabData(settings.DatabasePath, settings.CheckpointDirectory, settings.TensorBoardDirectoryFullPath)
            .BuildServiceProvider();
        var database = new CliDatabase(services, settings);
        try
        {
            await DatabaseInitializer.MigrateAsync(services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<FedLabDbContext>>(), ct);
            int interrupted = await database.Store.MarkInterruptedAsync(ct);
            if (interrupted > 0)
            {
                error.WriteLine($"{interrupted} run(s) left running by a process that ended are now marked interrupted (see `runs`, continue with `resume --run <id>`)");
            }
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
