using FedLab.Data.Queries;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace FedLab.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Registers the context factory for the SQLite file at <paramref name="databasePath"/> (WAL, set by
    /// <see cref="DatabaseInitializer"/>), <see cref="RunStore"/>, <see cref="RunPageQueries"/>, <see cref="RunRecorderFactory"/> and
    /// <see cref="RunLauncher"/> (singletons). Checkpoints go to <paramref name="checkpointDirectory"/>; with
    /// <paramref name="tensorBoardDirectory"/>, every run also writes TensorBoard event files there.
    /// </summary>
    public static IServiceCollection AddFedLabData(this IServiceCollection services, string databasePath, string checkpointDirectory,
        string? tensorBoardDirectory = null)
    {
        var options = new FedLabDataOptions(databasePath, checkpointDirectory) { TensorBoardDirectory = tensorBoardDirectory };
        services.TryAddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddDbContextFactory<FedLabDbContext>(o => o.UseSqlite(options.ConnectionString));
        services.TryAddSingleton(sp => new RunStore(
            sp.GetRequiredService<IDbContextFactory<FedLabDbContext>>(), sp.GetRequiredService<FedLabDataOptions>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => new RunPageQueries(sp.GetRequiredService<IDbContextFactory<FedLabDbContext>>(), sp.GetRequiredService<RunStore>()));
        services.TryAddSingleton(sp => new RunRecorderFactory(
            sp.GetRequiredService<IDbContextFactory<FedLabDbContext>>(), sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => new RunLauncher(
            sp.GetRequiredService<RunStore>(), sp.GetRequiredService<RunRecorderFactory>(), sp.GetRequiredService<FedLabDataOptions>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => new Studies.StudyStore(sp.GetRequiredService<IDbContextFactory<FedLabDbContext>>(), sp.GetRequiredService<RunStore>()));
        services.TryAddSingleton(sp => new Studies.StudyAnalysis(sp.GetRequiredService<RunStore>()));
        return services;
    }
}
