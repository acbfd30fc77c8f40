using System.Net;
using FedLab.Engine.Federation;
using FedLab.Engine.Runs;
using FedLab.Tests.Shared;
using FedLab.Web.Cli;
using FedLab.Web.Specs;
using FedLab.Web.Tests.Infrastructure;

namespace FedLab.Web.Tests.Seams;

/// <summary>
/// The framework seam from the outside: a framework defined in the tests (<see cref="MixingTestFramework"/>) and
/// registered from here, with no file under src/ edited, is offered by the catalog, validated and run through the REST
/// API, and reported by the compare report with its own name and variant.
/// </summary>
[Collection(SharedAppCollection.Name)]
public sealed class ExtraFrameworkTests(SharedAppFixture fixture)
{
    private static string Spec(double mixing) =>
        TinySpecs.Json(name: "mixing", framework: MixingTestFramework.Id).TrimEnd().TrimEnd('}')
        + $", \"testMixing\": {{ \"mixing\": {mixing.ToString(System.Globalization.CultureInfo.InvariantCulture)} }} }}";

    [Fact]
    public async Task TheRestApi_ValidatesAndRunsIt()
    {
        using var registration = MixingTestFramework.Register();
        var http = fixture.App.Http;

        var refused = await http.PostJsonAsync("api/runs/validate", Spec(mixing: 3));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains((await refused.JsonAsync()).Errors(), e => e.Field == "testMixing.mixing");

        var id = await http.CreateRunAsync(Spec(mixing: 0.5));
        var run = await http.WaitForStatusAsync(id, "finished");
        Assert.Equal(MixingTestFramework.Id, run["summary"]!["framework"]!.GetValue<string>());
        Assert.Contains(FrameworkCatalog.All, f => f.JsonName == MixingTestFramework.Id && f.SectionName == "testMixing");
        Assert.Equal("Mixing (test framework)", FrameworkCatalog.DisplayName(MixingTestFramework.Id));
    }

    [Fact]
    public void TheCompareReport_NamesItAndItsVariant()
    {
        using var registration = MixingTestFramework.Register();
        var spec = RunSpecJson.ParseAndValidate(Spec(mixing: 0.25));
        var result = new RunExecutor(new EngineOptions { Models = TestApp.Models }).Execute(Guid.NewGuid(), spec, new NullSink(), CancellationToken.None);
        Assert.True(result.Status == RunStatus.Finished, result.Error);

        var row = CompareRow.From("mixing run", result);
        var table = new StringWriter();
        CompareReport.WriteTable(table, [row]);
        Assert.Equal(MixingTestFramework.Id, row.Framework);
        Assert.StartsWith("mixing 0.25", row.Variant, StringComparison.Ordinal);
        Assert.Contains("mixing 0.25", table.ToString(), StringComparison.Ordinal);
        Assert.Contains(MixingTestFramework.Id, CompareReport.Csv([row]), StringComparison.Ordinal);
    }

    private sealed class NullSink : IRunEventSink
    {
        public void Publish(RunEvent runEvent)
        {
        }
    }
}
