using Bunit;
using FedLab.Cluster;
using FedLab.Web.Components.Pages;
using FedLab.Web.Tests.Components;

namespace FedLab.Web.Tests.Cluster;

/// <summary>The Workers view: without a cluster it says how to get one; with one that is not connected yet, it says so.</summary>
public sealed class WorkersPageTests
{
    [Fact]
    public async Task WithoutACluster_TheViewSaysHowToUseOne()
    {
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<Workers>();
        cut.WaitForAssertion(() => Assert.Contains("FedLab:Cluster:Enabled", cut.Find("#cluster-off").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithAClusterNotYetConnected_TheViewShowsItsStateAndNoWorkers()
    {
        await using var ctx = new DashboardTestContext(new ClusterSettings { Enabled = true, ClusterId = "lab1" });
        var cut = ctx.Render<Workers>();
        cut.WaitForAssertion(() =>
        {
            Assert.Contains("lab1", cut.Find("#cluster-state").TextContent, StringComparison.Ordinal);
            Assert.Contains("connecting", cut.Find("#cluster-state").TextContent, StringComparison.Ordinal);
            Assert.NotNull(cut.Find("#no-workers"));
        });
    }
}
