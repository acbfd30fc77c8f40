using FedLab.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FedLab.Data.Configurations;

internal sealed class ClientRoundConfiguration : IEntityTypeConfiguration<ClientRoundEntity>
{
    public void Configure(EntityTypeBuilder<ClientRoundEntity> builder)
    {
        builder.ToTable("ClientRounds");
        builder.HasKey(c => new { c.RunKey, c.Round, c.ClientId });
        builder.HasOne<RunEntity>().WithMany().HasForeignKey(c => c.RunKey).HasPrincipalKey(r => r.Key).OnDelete(DeleteBehavior.Cascade);
        builder.Property(c => c.Status).HasMaxLength(40).HasDefaultValue(ClientRoundStatus.Ok);
        builder.Property(c => c.Reason).HasMaxLength(2000);
    }
}
