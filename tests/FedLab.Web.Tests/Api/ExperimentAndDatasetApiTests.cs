using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FedLab.Web.Tests.Infrastructure;

namespace FedLab.Web.Tests.Api;

/// <summary>POST /api/experiments (one base spec, a run per framework) and POST /api/datasets (uploads with limits).</summary>
[Collection(SharedAppCollection.Name)]
public sealed class ExperimentAndDatasetApiTests(SharedAppFixture fixture)
{
    private HttpClient Http => fixture.App.Http;

    [Fact]
    public async Task Experiment_CreatesOneRunPerFramework_OnTheSameBase()
    {
        var body = $$"""{ "name": "exp", "base": {{TinySpecs.Json(rounds: 1, name: "exp-base")}}, "frameworks": ["fedllm", "centralized"] }""";
        var response = await Http.PostJsonAsync("api/experiments", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.JsonAsync();
        var ids = created["runIds"]!.AsArray().Select(i => i!.GetValue<Guid>()).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Equal(["fedllm", "centralized"], created["frameworks"]!.AsArray().Select(f => f!.GetValue<string>()));

        foreach (var (id, framework) in ids.Zip(["fedllm", "centralized"]))
        {
            var run = await Http.WaitForStatusAsync(id, "finished");
            Assert.Equal(framework, run["spec"]!["framework"]!.GetValue<string>());
            Assert.Equal(5, run["spec"]!["seed"]!.GetValue<int>());
            Assert.Equal(created["experimentId"]!.GetValue<Guid>(), run["summary"]!["experimentId"]!.GetValue<Guid>());
        }
    }

    [Theory]
    [InlineData("\"frameworks\": [\"fedllm\", \"telepathy\"]", "frameworks[1]", "unknown framework")]
    [InlineData("\"frameworks\": [\"fedllm\", \"fedllm\"]", "frameworks[1]", "listed twice")]
    [InlineData("\"frameworks\": []", "frameworks", "non-empty")]
    [InlineData("\"frameworks\": [\"fedllm\"], \"extra\": 1", "extra", "unknown field")]
    public async Task Experiment_BadRequest_400AndNothingCreated(string frameworksPart, string field, string message)
    {
        var before = (await (await Http.GetAsync("api/runs?pageSize=1")).JsonAsync())["total"]!.GetValue<int>();
        var body = $$"""{ "name": "bad", "base": {{TinySpecs.Json()}}, {{frameworksPart}} }""";
        var response = await Http.PostJsonAsync("api/experiments", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains((await response.JsonAsync()).Errors(), e => e.Field == field && e.Message.Contains(message, StringComparison.Ordinal));
        Assert.Equal(before, (await (await Http.GetAsync("api/runs?pageSize=1")).JsonAsync())["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Experiment_BaseSpecProblem_IsReportedUnderBase()
    {
        var body = $$"""{ "base": {{TinySpecs.Json().Replace("\"clients\": 3", "\"clients\": 0", StringComparison.Ordinal)}}, "frameworks": ["fedllm", "centralized"] }""";
        var errors = (await (await Http.PostJsonAsync("api/experiments", body)).JsonAsync()).Errors().ToList();
        Assert.Single(errors, e => e.Field == "base.partition.clients");
    }

    [Fact]
    public async Task Upload_GoodCsv_IsUsableAsDataset()
    {
        var csv = new StringBuilder("text,label\n");
        for (int i = 0; i < 60; i++)
        {
            csv.Append(i % 2 == 0 ? $"cheap pills offer number {i},spam\n" : $"meeting notes for project {i},ham\n");
        }
        var response = await UploadAsync("mail.csv", Encoding.UTF8.GetBytes(csv.ToString()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var dataset = await response.JsonAsync();
        Assert.Equal(60, dataset["rows"]!.GetValue<int>());
        Assert.Equal(["ham", "spam"], dataset["classNames"]!.AsArray().Select(c => c!.GetValue<string>()));
        var name = dataset["name"]!.GetValue<string>();

        var validate = await Http.PostJsonAsync("api/runs/validate", TinySpecs.Json(dataset: name).Replace("\"trainLimit\": 120, ", "", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, validate.StatusCode);
    }

    [Fact]
    public async Task Upload_BadFile_400WithTheLine()
    {
        var response = await UploadAsync("one-class.csv", Encoding.UTF8.GetBytes("text,label\na,x\nb,x\nc,x\n"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at least 2 classes", (await response.JsonAsync()).Errors().Single().Message, StringComparison.Ordinal);

        var wrongType = await UploadAsync("data.xlsx", [1, 2, 3]);
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Contains("expected .csv, .tsv or .jsonl", (await wrongType.JsonAsync()).Errors().Single().Message, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(UploadDirectory) ? Directory.GetFiles(UploadDirectory, "*one-class*") : []);
    }

    private string UploadDirectory => Path.Combine(fixture.App.DataDirectory, "uploads");

    private Task<HttpResponseMessage> UploadAsync(string fileName, byte[] bytes)
    {
        var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(file, "file", fileName);
        return Http.PostAsync("api/datasets", content);
    }
}
