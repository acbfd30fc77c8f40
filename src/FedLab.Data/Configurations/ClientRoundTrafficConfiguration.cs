using FedLab.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FedLab.Data.Configurations;

internal sealed class ClientRoundTrafficConfiguration : IEntityTypeConfiguration<ClientRoundTrafficEntity>
{
    public void Configure(EntityTypeBuilder<ClientRoundTrafficEntity> builder)
    {
        builder.ToTable("ClientRoundTraffic");
        builder.HasKey(t => new { t.RunKey, t.Round, t.ClientId, t.Kind });
        builder.Property(t => t.Kind).HasMaxLength(100);
        builder.HasOne<RunEntity>().WithMany().HasForeignKey(t => t.RunKey).HasPrincipalKey(r => r.Key).OnDelete(DeleteBehavior.Cascade);
    }
}
