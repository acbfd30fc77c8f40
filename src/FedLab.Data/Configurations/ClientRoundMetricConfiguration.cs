using FedLab.Data.Entities;
using FedLab.Engine.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FedLab.Data.Configurations;

internal sealed class ClientRoundMetricConfiguration : IEntityTypeConfiguration<ClientRoundMetricEntity>
{
    public void Configure(EntityTypeBuilder<ClientRoundMetricEntity> builder)
    {
        builder.ToTable("ClientRoundMetrics");
        builder.HasKey(m => new { m.RunKey, m.Round, m.ClientId, m.Name });
        builder.Property(m => m.Name).HasMaxLength(MetricNames.MaxLength);
        builder.HasOne<RunEntity>().WithMany().HasForeignKey(m => m.RunKey).HasPrincipalKey(r => r.Key).OnDelete(DeleteBehavior.Cascade);
    }
}
