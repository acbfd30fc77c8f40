using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FedLab.Web.Tests.Infrastructure;

namespace FedLab.Web.Tests.Api;

/// <summary>Runs through the REST API: queued, trained in the background, listed, exported, cancelled, resumed, deleted.</summary>
[Collection(SharedAppCollection.Name)]
public sealed class RunLifecycleTests(SharedAppFixture fixture)
{
    private HttpClient Http => fixture.App.Http;

    [Fact]
    public async Task Create_RunsInTheBackground_AndIsStoredRoundByRound()
    {
        var name = "lifecycle-" + Guid.NewGuid().ToString("N")[..8];
        var response = await Http.PostJsonAsync("api/runs", TinySpecs.Json(rounds: 2, name: name));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.JsonAsync();
        var id = created["id"]!.GetValue<Guid>();
        Assert.Equal("queued", created["status"]!.GetValue<string>());
        Assert.Equal($"/api/runs/{id}", response.Headers.Location?.OriginalString);

        var run = await Http.WaitForStatusAsync(id, "finished");

        Assert.Equal(3, run["rounds"]!.AsArray().Count); // round 0 (before training) + 2
        Assert.Equal(2, run["summary"]!["roundsDone"]!.GetValue<int>());
        Assert.Equal("tiny", run["spec"]!["model"]!.GetValue<string>());
        Assert.Equal(3, run["partitions"]!.AsArray().Count);
        var withClients = await Http.GetRunAsync(id, clientRounds: true);
        Assert.Equal(6, withClients["clientRounds"]!.AsArray().Count); // 3 clients x 2 rounds

        var page = await (await Http.GetAsync($"api/runs?text={name}")).JsonAsync();
        Assert.Equal(1, page["total"]!.GetValue<int>());
        Assert.Equal(id, page["items"]![0]!["id"]!.GetValue<Guid>());
        Assert.True(page["items"]![0]!["bytesUp"]!.GetValue<long>() > 0);
    }

    [Fact]
    public async Task Export_CsvAndJson()
    {
        var id = await Http.CreateRunAsync(TinySpecs.Json(rounds: 1, name: "export"));
        await Http.WaitForStatusAsync(id, "finished");

        var csv = await Http.GetAsync($"api/runs/export?ids={id}&format=csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length); // header + rounds 0 and 1
        Assert.Contains(id.ToString(), lines[1], StringComparison.OrdinalIgnoreCase);

        var json = await Http.GetAsync($"api/runs/export?ids={id}&format=json");
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.NotNull(JsonNode.Parse(await json.Content.ReadAsStringAsync()));

        var clients = await Http.GetAsync($"api/runs/export?ids={id}&format=clients-csv");
        Assert.Equal("text/csv", clients.Content.Headers.ContentType?.MediaType);
        var clientLines = (await clients.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("run_id,run_name,framework,round,client_id,status", clientLines[0], StringComparison.Ordinal);
        Assert.Equal(1 + 3, clientLines.Length); // header + 3 clients in round 1

        var bad = await Http.GetAsync($"api/runs/export?ids={id}&format=xml");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task ExportModel_IsAZipOfThePeftAdapterAndTheHead_AndBadRequestsSaySo()
    {
        var id = await Http.CreateRunAsync(TinySpecs.Json(rounds: 1, name: "export-model"));
        await Http.WaitForStatusAsync(id, "finished");

        var response = await Http.GetAsync($"api/runs/{id}/model");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        using var zip = new System.IO.Compression.ZipArchive(await response.Content.ReadAsStreamAsync());
        Assert.Equal(
            ["README.md", "adapter_config.json", "adapter_model.safetensors", "classification_head.json", "classification_head.safetensors"],
            zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        using (var config = new StreamReader(zip.GetEntry("adapter_config.json")!.Open()))
        {
            Assert.Equal("LORA", JsonNode.Parse(await config.ReadToEndAsync())!["peft_type"]!.GetValue<string>());
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await Http.GetAsync($"api/runs/{id}/model?client=x")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Http.GetAsync($"api/runs/{id}/model?round=first")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync($"api/runs/{id}/model?round=best")).StatusCode); // the best round's checkpoint is kept
        var notKept = await Http.GetAsync($"api/runs/{id}/model?round=7");
        Assert.Equal(HttpStatusCode.Conflict, notKept.StatusCode);
        Assert.Contains("keeps no checkpoint of round 7", await notKept.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var noClient = await Http.GetAsync($"api/runs/{id}/model?client=9");
        Assert.Equal(HttpStatusCode.Conflict, noClient.StatusCode);
        Assert.Contains("no model of client 9", await noClient.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"api/runs/{Guid.NewGuid()}/model")).StatusCode);
    }

    [Fact]
    public async Task Cancel_Running_ThenResume_FinishesEveryRound_ThenDelete()
    {
        // Rounds long enough (20 local steps) that the cancel arrives while it trains, however idle the machine.
        var id = await Http.CreateRunAsync(TinySpecs.Json(rounds: 30, name: "cancel-resume", localSteps: 20));
        await Eventually.WaitAsync(() => Http.GetRunAsync(id), r => r["summary"]!["roundsDone"]!.GetValue<int>() >= 1, TimeSpan.FromSeconds(120), "round 1");

        var cancel = await Http.PostAsync($"api/runs/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var cancelled = await Http.WaitForStatusAsync(id, "cancelled");
        int done = cancelled["summary"]!["roundsDone"]!.GetValue<int>();
        Assert.True(done < 30, $"the run should have stopped early, but it did {done} rounds");
        Assert.True(cancelled["summary"]!["canResume"]!.GetValue<bool>());

        // Cancelling again is refused with the reason; so is deleting a queued/running run later.
        var again = await Http.PostAsync($"api/runs/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        // Shorten nothing: the resumed run continues after its last recorded round and completes all 30.
        var resume = await Http.PostAsync($"api/runs/{id}/resume", null);
        Assert.Equal(HttpStatusCode.Accepted, resume.StatusCode);
        var finished = await Http.WaitForStatusAsync(id, "finished", TimeSpan.FromSeconds(240));
        var rounds = finished["rounds"]!.AsArray().Select(r => r!["round"]!.GetValue<int>()).ToList();
        Assert.Equal(Enumerable.Range(0, 31), rounds);
        Assert.Equal(1, finished["summary"]!["resumes"]!.GetValue<int>());

        var resumeFinished = await Http.PostAsync($"api/runs/{id}/resume", null);
        Assert.Equal(HttpStatusCode.Conflict, resumeFinished.StatusCode);
        Assert.Contains("nothing to resume", (await resumeFinished.JsonAsync()).Errors().Single().Message, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"api/runs/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync($"api/runs/{id}")).StatusCode);
    }

    [Fact]
    public async Task Cancel_QueuedRun_NeverStarts()
    {
        // One run at a time: the second waits in the queue while the first trains.
        var first = await Http.CreateRunAsync(TinySpecs.Json(rounds: 1000, name: "blocker"));
        var second = await Http.CreateRunAsync(TinySpecs.Json(rounds: 2, name: "waiting"));
        var waiting = await Http.GetRunAsync(second);
        Assert.Equal("queued", waiting.Status());
        Assert.True(waiting["queued"]!.GetValue<bool>());

        Assert.Equal(HttpStatusCode.Accepted, (await Http.PostAsync($"api/runs/{second}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Http.PostAsync($"api/runs/{first}/cancel", null)).StatusCode);
        await Http.WaitForStatusAsync(first, "cancelled");
        await Task.Delay(500); // had the cancelled run been left in the queue, it would start now
        var run = await Http.GetRunAsync(second);
        Assert.Equal("cancelled", run.Status());
        Assert.Empty(run["rounds"]!.AsArray());
        Assert.Null(run["summary"]!["startedAt"]?.GetValue<DateTimeOffset?>());
    }

    [Fact]
    public async Task OpenApi_DescribesTheEndpoints()
    {
        var doc = await Http.GetFromJsonAsync<JsonNode>("openapi/v1.json");
        var paths = doc!["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/runs", paths);
        Assert.Contains("/api/runs/{id}/cancel", paths);
        Assert.Contains("/api/experiments", paths);
        Assert.Contains("/api/datasets", paths);
        Assert.Contains("/api/runs/{id}/model", paths);
        Assert.Contains("/api/schema/run-spec.json", paths);
        Assert.Contains("/health", paths);

        // The spec's doubles are plain numbers (the strict parser refuses "NaN"); results may still carry NaN.
        var training = doc["paths"]!["/api/runs"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!["properties"]!["training"]!["properties"]!;
        Assert.Equal("number", training["learningRate"]!["type"]!.GetValue<string>());
        Assert.Null(training["learningRate"]!["anyOf"]);
        Assert.Equal(["null", "number"], training["localEpochs"]!["type"]!.AsArray().Select(t => t!.GetValue<string>()).Order());
        Assert.Contains("NaN", doc["components"]!["schemas"]!["RoundRow"]!["properties"]!["accuracy"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceEndpoints_SchemaHealthAndTheInteractiveApiPage()
    {
        var schema = await Http.GetAsync("api/schema/run-spec.json");
        Assert.Equal(HttpStatusCode.OK, schema.StatusCode);
        Assert.Equal("application/schema+json", schema.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Engine.Runs.RunSpecSchema.GenerateText(), await schema.Content.ReadAsStringAsync());

        var health = await Http.GetFromJsonAsync<JsonNode>("health");
        Assert.Equal("healthy", health!["status"]!.GetValue<string>());

        // Scalar's page and its script are served from the package (no CDN: this must work offline).
        var page = await Http.GetAsync("scalar/v1");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("FedLab API", html, StringComparison.Ordinal);
        var script = System.Text.RegularExpressions.Regex.Match(html, "<script[^>]+src=\"([^\"]+)\"").Groups[1].Value;
        Assert.False(script.StartsWith("http", StringComparison.OrdinalIgnoreCase), $"the page loads its script from {script}");
        var js = await Http.GetAsync(new Uri(new Uri(Http.BaseAddress!, "scalar/v1"), script));
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
    }
}
