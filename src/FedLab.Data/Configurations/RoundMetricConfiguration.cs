using FedLab.Data.Entities;
using FedLab.Engine.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FedLab.Data.Configurations;

internal sealed class RoundMetricConfiguration : IEntityTypeConfiguration<RoundMetricEntity>
{
    public void Configure(EntityTypeBuilder<RoundMetricEntity> builder)
    {
        builder.ToTable("RoundMetrics");
        builder.HasKey(m => new { m.RunKey, m.Round, m.Name });
        builder.Property(m => m.Name).HasMaxLength(MetricNames.MaxLength);
        builder.HasOne<RunEntity>().WithMany().HasForeignKey(m => m.RunKey).HasPrincipalKey(r => r.Key).OnDelete(DeleteBehavior.Cascade);
    }
}
