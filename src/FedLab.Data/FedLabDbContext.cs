using FedLab.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FedLab.Data;

/// <summary>
/// The FedLab database: experiments, runs, rounds, client rounds, their traffic by payload kind, their named metrics and partitions (one
/// IEntityTypeConfiguration per entity in Configurations/). After changing the model, add a migration
/// from the repository root with:
/// <code>dotnet tool restore &amp;&amp; dotnet ef migrations add &lt;Name&gt; --project src/FedLab.Data --startup-project src/FedLab.Data --output-dir Migrations</code>
/// The app applies pending migrations at start-up (<see cref="DatabaseInitializer"/>).
/// </summary>
public sealed class FedLabDbContext(DbContextOptions<FedLabDbContext> options) : DbContext(options)
{
    public DbSet<ExperimentEntity> Experiments => Set<ExperimentEntity>();
    public DbSet<RunEntity> Runs => Set<RunEntity>();
    public DbSet<RoundEntity> Rounds => Set<RoundEntity>();
    public DbSet<ClientRoundEntity> ClientRounds => Set<ClientRoundEntity>();
    public DbSet<PartitionEntity> Partitions => Set<PartitionEntity>();
    public DbSet<RoundTrafficEntity> RoundTraffic => Set<RoundTrafficEntity>();
    public DbSet<ClientRoundTrafficEntity> ClientRoundTraffic => Set<ClientRoundTrafficEntity>();
    public DbSet<RoundMetricEntity> RoundMetrics => Set<RoundMetricEntity>();
    public DbSet<ClientRoundMetricEntity> ClientRoundMetrics => Set<ClientRoundMetricEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(FedLabDbContext).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC; SQLite keeps no kind, so say so when reading back.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcConverter>();
    }

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : v,
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
