using FedLab.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FedLab.Data.Configurations;

internal sealed class RoundTrafficConfiguration : IEntityTypeConfiguration<RoundTrafficEntity>
{
    public void Configure(EntityTypeBuilder<RoundTrafficEntity> builder)
    {
        builder.ToTable("RoundTraffic");
        // The key is also the index the comparison query walks: a run's rounds in order.
        builder.HasKey(t => new { t.RunKey, t.Round, t.Kind });
        builder.Property(t => t.Kind).HasMaxLength(100);
        builder.HasOne<RunEntity>().WithMany().HasForeignKey(t => t.RunKey).HasPrincipalKey(r => r.Key).OnDelete(DeleteBehavior.Cascade);
    }
}
