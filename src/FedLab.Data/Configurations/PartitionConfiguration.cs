using FedLab.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FedLab.Data.Configurations;

internal sealed class PartitionConfiguration : IEntityTypeConfiguration<PartitionEntity>
{
    public void Configure(EntityTypeBuilder<PartitionEntity> builder)
    {
        builder.ToTable("Partitions");
        builder.HasKey(p => new { p.RunKey, p.ClientId });
        builder.HasOne<RunEntity>().WithMany().HasForeignKey(p => p.RunKey).HasPrincipalKey(r => r.Key).OnDelete(DeleteBehavior.Cascade);
    }
}
