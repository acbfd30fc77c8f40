namespace FedLab.Web.Tests.Infrastructure;

/// <summary>Tests that share one dashboard (see <see cref="SharedAppFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class SharedAppCollection : ICollectionFixture<SharedAppFixture>
{
    public const string Name = "shared dashboard";
}
