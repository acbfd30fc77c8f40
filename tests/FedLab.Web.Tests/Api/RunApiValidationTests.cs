using System.Net;
using System.Text;
using FedLab.Web.Tests.Infrastructure;

namespace FedLab.Web.Tests.Api;

/// <summary>Bad input to the run endpoints: 400/413/415 with field-level problems, and nothing created.</summary>
[Collection(SharedAppCollection.Name)]
public sealed class RunApiValidationTests(SharedAppFixture fixture)
{
    private HttpClient Http => fixture.App.Http;

    private async Task<int> TotalRunsAsync() => (await (await Http.GetAsync("api/runs?pageSize=1")).JsonAsync())["total"]!.GetValue<int>();

    [Theory]
    [InlineData("\"clients\": 3", "\"clients\": 0", "partition.clients", "must be between 1 and 1000, got 0")]
    [InlineData("\"clients\": 3", "\"clients\": \"3\"", "partition.clients", "must be a whole number")]
    [InlineData("\"seed\": 5", "\"seed\": 5, \"seed\": 6", "seed", "duplicate field")]
    [InlineData("\"seed\": 5", "\"seed\": 5, \"colour\": 1", "colour", "unknown field")]
    [InlineData("\"rounds\": 2,", "", "training.rounds", "is required")]
    [InlineData("\"localSteps\": 2,", "\"localSteps\": 2, \"localEpochs\": 1,", "training.localSteps", "set exactly one of localSteps and localEpochs")]
    public async Task Post_InvalidSpec_400WithFieldErrorAndNothingCreated(string find, string replace, string field, string message)
    {
        var before = await TotalRunsAsync();
        var json = TinySpecs.Json(name: "invalid").Replace(find, replace, StringComparison.Ordinal);

        foreach (var path in (string[])["api/runs", "api/runs/validate"])
        {
            var response = await Http.PostJsonAsync(path, json);
            var body = await response.JsonAsync();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(body.Errors(), e => e.Field == field && e.Message.Contains(message, StringComparison.Ordinal));
            Assert.DoesNotContain("   at ", body.Describe(), StringComparison.Ordinal);
        }
        Assert.Equal(before, await TotalRunsAsync());
    }

    [Fact]
    public async Task Post_SeveralProblems_ListsEveryOne()
    {
        var json = TinySpecs.Json().Replace("\"clients\": 3", "\"clients\": 0", StringComparison.Ordinal)
            .Replace("\"learningRate\": 0.01", "\"learningRate\": 5", StringComparison.Ordinal)
            .Replace("\"model\": \"tiny\"", "\"model\": \"gpt-17\"", StringComparison.Ordinal);

        var body = await (await Http.PostJsonAsync("api/runs", json)).JsonAsync();

        var fields = body.Errors().Select(e => e.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "partition.clients", "training.learningRate", "model" }, fields);
    }

    [Fact]
    public async Task Validate_GoodSpec_200WithoutErrors()
    {
        var response = await Http.PostJsonAsync("api/runs/validate", TinySpecs.Json());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await response.JsonAsync()).Errors());
    }

    [Fact]
    public async Task Post_NotJson_415()
    {
        var response = await Http.PostAsync("api/runs", new StringContent(TinySpecs.Json(), Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/json", (await response.JsonAsync()).Errors().Single().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_BodyOverLimit_413()
    {
        var json = TinySpecs.Json().Replace("\"name\": \"tiny\"", "\"name\": \"" + new string('x', 1_100_000) + "\"", StringComparison.Ordinal);
        var response = await Http.PostJsonAsync("api/runs", json);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("MaxSpecBytes", (await response.JsonAsync()).Errors().Single().Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_DatasetPathOutsideUploads_400()
    {
        var file = Path.Combine(Path.GetTempPath(), $"fedlab-outside-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "text,label\na,x\nb,y\n");
        try
        {
            var body = await (await Http.PostJsonAsync("api/runs", TinySpecs.Json(dataset: file))).JsonAsync();
            Assert.Contains(body.Errors(), e => e.Field == "dataset.name" && e.Message.Contains("upload the file first", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("api/runs?page=0", "page")]
    [InlineData("api/runs?status=sleeping", "status")]
    [InlineData("api/runs?sort=colour", "sort")]
    [InlineData("api/runs/export?ids=nope", "ids")]
    [InlineData("api/runs/export", "ids")]
    [InlineData("api/runs?page=2147483647&pageSize=500", "page")] // issue #10, item 9: used to overflow to page 1
    [InlineData("api/runs/9b0c6a52-3f6c-4a8e-9a53-0d0f7c1d2e3f?clientRounds=maybe", "clientRounds")] // used to be an empty 400
    public async Task Get_BadQuery_400NamingTheParameter(string url, string field)
    {
        var response = await Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains((await response.JsonAsync()).Errors(), e => e.Field == field);
    }

    /// <summary>Issue #10, item 9: the rows a page skips are computed without overflow (a huge page is empty, not page 1).</summary>
    [Fact]
    public async Task HugePage_IsEmpty_NotTheFirstPage()
    {
        await Http.CreateRunAsync(TinySpecs.Json(name: "huge page", rounds: 1));
        var store = (FedLab.Data.RunStore)fixture.App.Services.GetService(typeof(FedLab.Data.RunStore))!;
        var first = await store.ListRunsAsync(new FedLab.Data.RunListQuery { Page = 1, PageSize = 500 }, CancellationToken.None);
        Assert.NotEmpty(first.Items);
        var huge = await store.ListRunsAsync(new FedLab.Data.RunListQuery { Page = int.MaxValue, PageSize = 500 }, CancellationToken.None);
        Assert.Empty(huge.Items);
        Assert.Equal(first.Total, huge.Total);
        var last = await Http.GetAsync($"api/runs?page={FedLab.Web.Api.RunListQueryParser.MaxPage}&pageSize=500");
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        Assert.Empty((await last.JsonAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task UnknownRun_404()
    {
        var id = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"api/runs/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.PostAsync($"api/runs/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.PostAsync($"api/runs/{id}/resume", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.DeleteAsync($"api/runs/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"api/runs/export?ids={id}")).StatusCode);
    }
}
