using FedLab.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FedLab.Data.Configurations;

internal sealed class RunConfiguration : IEntityTypeConfiguration<RunEntity>
{
    public void Configure(EntityTypeBuilder<RunEntity> builder)
    {
        builder.ToTable("Runs");
        // An INTEGER key keeps the millions of client-round rows (and their index) compact; the GUID is the public id.
        builder.HasKey(r => r.Key);
        builder.Property(r => r.Key).ValueGeneratedOnAdd();
        builder.HasIndex(r => r.Id).IsUnique();
        builder.HasOne(r => r.Experiment).WithMany().HasForeignKey(r => r.ExperimentId).OnDelete(DeleteBehavior.SetNull);

        builder.Property(r => r.Name).HasMaxLength(200);
        builder.Property(r => r.Framework).HasMaxLength(40);
        builder.Property(r => r.Model).HasMaxLength(100);
        builder.Property(r => r.Dataset).HasMaxLength(1000);
        builder.Property(r => r.PartitionKind).HasMaxLength(40);
        builder.Property(r => r.Device).HasMaxLength(20);
        builder.Property(r => r.Status).HasMaxLength(20);
        builder.Property(r => r.EngineVersion).HasMaxLength(200);
        builder.Property(r => r.OwnerHost).HasMaxLength(200);

        // The run list filters and sorts on these.
        builder.HasIndex(r => r.Status);
        builder.HasIndex(r => r.Framework);
        builder.HasIndex(r => r.Model);
        builder.HasIndex(r => r.Dataset);
        builder.HasIndex(r => r.CreatedAt);
        builder.HasIndex(r => r.ExperimentId);
        builder.HasIndex(r => r.Name);
    }
}
