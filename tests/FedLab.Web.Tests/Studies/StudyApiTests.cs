using System.Net;
using FedLab.Web.Tests.Infrastructure;

namespace FedLab.Web.Tests.Studies;

/// <summary>/api/studies: refusal at the axis value, and a study queued, finished, read with statistics, figures and tables.</summary>
[Collection(SharedAppCollection.Name)]
public sealed class StudyApiTests(SharedAppFixture fixture)
{
    private HttpClient Http => fixture.App.Http;

    private static string Study(string axes, string name = "api study") => $$"""
        { "name": "{{name}}", "base": {{TinySpecs.Json(rounds: 1, clients: 2, localSteps: 1)}},
          "frameworks": ["fedllm", { "framework": "split", "split": { "cutLayer": 1 } }],
          "axes": {{axes}}, "seeds": [1, 2], "targetAccuracy": 0.3 }
        """;

    private async Task<int> RunCount() => (await (await Http.GetAsync("api/runs?pageSize=1")).JsonAsync())["total"]!.GetValue<int>();

    [Fact]
    public async Task AnAxisValueInvalidForSplit_Is400NamingIt_AndNothingIsCreated()
    {
        int before = await RunCount();
        var response = await Http.PostJsonAsync("api/studies", Study("""[{ "path": "split.cutLayer", "values": [1, 5] }]"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single((await response.JsonAsync()).Errors());
        Assert.Equal("axes[0].values[1]", error.Field);
        Assert.Contains("split.cutLayer=5", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await RunCount());
    }

    [Fact]
    public async Task AStudy_IsQueued_Finishes_AndServesStatisticsFiguresAndTables()
    {
        var response = await Http.PostJsonAsync("api/studies", Study("""[{ "path": "partition.alpha", "values": [0.5, 2.0], "frameworks": ["fedllm"] }]"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.JsonAsync();
        Assert.Equal(2 * 2 + 2, created["runs"]!.GetValue<int>());
        var id = created["id"]!.GetValue<Guid>();

        var study = await Eventually.WaitAsync(async () => await (await Http.GetAsync($"api/studies/{id}?profile=phone-4g")).JsonAsync(),
            s => s["finished"]!.GetValue<int>() == 6, TimeSpan.FromMinutes(4), "the study's six runs to finish");
        Assert.Equal("finished", study["status"]!.GetValue<string>());
        Assert.Equal("phone-4g", study["profile"]!["name"]!.GetValue<string>());
        var configurations = study["configurations"]!.AsArray();
        Assert.Equal(3, configurations.Count);
        Assert.All(configurations, c => Assert.Equal(2, c!["best"]!["n"]!.GetValue<int>()));
        Assert.NotEmpty(study["crossovers"]!.AsArray());

        var png = await Http.GetAsync($"api/studies/{id}/figures/pareto-mb.png?dpi=300");
        Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
        var svg = await Http.GetStringAsync($"api/studies/{id}/figures/accuracy.svg");
        Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
        Assert.Contains("\\toprule", await Http.GetStringAsync($"api/studies/{id}/export/summary.tex"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"api/studies/{id}/figures/nope.svg")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.GetAsync($"api/studies/{id}?profile=upMbps=0")).StatusCode);

        // A seed added later queues its runs (3 configurations).
        var seeds = await Http.PostJsonAsync($"api/studies/{id}/seeds", """{ "seed": 3 }""");
        Assert.Equal(3, (await seeds.JsonAsync())["runs"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.PostJsonAsync($"api/studies/{id}/seeds", """{ "seed": 3 }""")).StatusCode);
        var list = await (await Http.GetAsync("api/studies")).JsonAsync();
        Assert.Contains(list.AsArray(), s => s!["id"]!.GetValue<Guid>() == id && s["total"]!.GetValue<int>() == 9);
    }
}
