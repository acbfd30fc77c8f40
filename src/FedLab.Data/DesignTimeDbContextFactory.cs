using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace FedLab.Data;

/// <summary>Lets <c>dotnet ef</c> build the context without starting the web host (see <see cref="FedLabDbContext"/>).</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<FedLabDbContext>
{
    public FedLabDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<FedLabDbContext>().UseSqlite("Data Source=fedlab-design.db").Options);
}
