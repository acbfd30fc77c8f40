using FedLab.Data;
using Microsoft.EntityFrameworkCore;

namespace FedLab.Web.Hosting;

/// <summary>
/// Before the queue starts: create or migrate the database, and mark runs whose process died (a crash, a
/// kill, a reboot) as Interrupted, so they show as such and can be resumed from their last round.
/// </summary>
public sealed class DatabaseStartup(IDbContextFactory<FedLabDbContext> contexts, RunStore store, ILogger<DatabaseStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await DatabaseInitializer.MigrateAsync(contexts, cancellationToken);
        var interrupted = await store.MarkInterruptedAsync(cancellationToken);
        if (interrupted > 0)
        {
            logger.LogWarning("{Count} run(s) were interrupted when their process stopped; resume them from the run page", interrupted);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
