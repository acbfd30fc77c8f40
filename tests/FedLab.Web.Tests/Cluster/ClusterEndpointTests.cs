using System.Net;
using FedLab.Web.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace FedLab.Web.Tests.Cluster;

/// <summary>
/// The coordinator side of issue 17 in the dashboard: <c>GET /api/cluster</c> and the Workers view say whether runs use
/// a cluster; a bad FedLab:Cluster setting stops the start-up with a message naming the setting.
/// </summary>
[Collection(SharedAppCollection.Name)]
public sealed class ClusterEndpointTests(SharedAppFixture fixture)
{
    [Fact]
    public async Task WithoutACluster_TheApiSaysRunsStayInProcess()
    {
        var cluster = await (await fixture.App.Http.GetAsync("api/cluster")).JsonAsync();
        Assert.False(cluster["enabled"]!.GetValue<bool>());
        Assert.StartsWith("not configured", cluster["state"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(cluster["workers"]!.AsArray());

        var page = await fixture.App.Http.GetAsync("workers");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Theory]
    [InlineData("--FedLab:Cluster:Membership=zookeeper", "FedLab:Cluster:Membership must be localhost, redis or postgres, got 'zookeeper'")]
    [InlineData("--FedLab:Cluster:Membership=redis", "FedLab:Cluster:ConnectionString is required for redis membership")]
    [InlineData("--FedLab:Cluster:TlsCertificate=/nonexistent/cluster.pfx", "FedLab:Cluster:TlsCertificate: no file at '/nonexistent/cluster.pfx'")]
    public async Task ABadClusterSetting_StopsTheStart_NamingTheSetting(string setting, string message)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync("--FedLab:Cluster:Enabled=true", setting));
        Assert.Contains(message, ex.Failures);
    }
}
