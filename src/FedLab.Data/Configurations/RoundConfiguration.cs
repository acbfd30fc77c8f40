using FedLab.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FedLab.Data.Configurations;

internal sealed class RoundConfiguration : IEntityTypeConfiguration<RoundEntity>
{
    public void Configure(EntityTypeBuilder<RoundEntity> builder)
    {
        builder.ToTable("Rounds");
        // The key doubles as the index the comparison query scans: all rounds of a run, in order.
        builder.HasKey(r => new { r.RunKey, r.Round });
        builder.HasOne<RunEntity>().WithMany().HasForeignKey(r => r.RunKey).HasPrincipalKey(r => r.Key).OnDelete(DeleteBehavior.Cascade);
    }
}
