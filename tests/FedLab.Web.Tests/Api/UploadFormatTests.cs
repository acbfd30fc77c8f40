using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FedLab.Engine.Datasets;
using FedLab.Web.Tests.Infrastructure;

namespace FedLab.Web.Tests.Api;

/// <summary>
/// Every format an upload accepts can be used by a run (issue #10, item 3): .ndjson and .gz uploads are stored as
/// the plain .csv/.jsonl a spec may name.
/// </summary>
[Collection(SharedAppCollection.Name)]
public sealed class UploadFormatTests(SharedAppFixture fixture)
{
    private static string Csv()
    {
        var csv = new StringBuilder("text,label\n");
        for (int i = 0; i < 60; i++)
        {
            csv.Append(i % 2 == 0 ? $"cheap pills offer number {i},spam\n" : $"meeting notes for project {i},ham\n");
        }
        return csv.ToString();
    }

    private static string JsonLines()
    {
        var lines = new StringBuilder();
        for (int i = 0; i < 60; i++)
        {
            lines.Append(i % 2 == 0 ? $"{{\"text\": \"cheap pills offer number {i}\", \"label\": \"spam\"}}\n" : $"{{\"text\": \"meeting notes for project {i}\", \"label\": \"ham\"}}\n");
        }
        return lines.ToString();
    }

    private static byte[] Gzip(string text)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }
        return compressed.ToArray();
    }

    private async Task<string> UploadAsync(string fileName, byte[] bytes)
    {
        var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(file, "file", fileName);
        var response = await fixture.App.Http.PostAsync("api/datasets", content);
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{fileName}: {(int)response.StatusCode} {body.Describe()}");
        Assert.Equal(60, body["rows"]!.GetValue<int>());
        Assert.Equal(fileName, body["fileName"]!.GetValue<string>());
        return body["name"]!.GetValue<string>();
    }

    private static string Spec(string dataset, string name) =>
        TinySpecs.Json(dataset: dataset, name: name, rounds: 1, clients: 2).Replace("\"trainLimit\": 120, ", "", StringComparison.Ordinal);

    [Theory]
    [InlineData("mail.ndjson", false, false, ".jsonl")]
    [InlineData("mail.csv.gz", true, true, ".csv")]
    [InlineData("mail.jsonl.gz", false, true, ".jsonl")]
    [InlineData("mail.ndjson.gz", false, true, ".jsonl")]
    public async Task AcceptedUpload_IsAcceptedBySpecValidation(string fileName, bool csv, bool gzip, string storedExtension)
    {
        var text = csv ? Csv() : JsonLines();
        var name = await UploadAsync(fileName, gzip ? Gzip(text) : Encoding.UTF8.GetBytes(text));
        Assert.EndsWith(storedExtension, name, StringComparison.Ordinal);
        Assert.True(DatasetReference.TryParse(name, out var hash, out _), name); // a portable reference, not a server path
        var stored = DatasetReference.Resolve(name, Path.Combine(fixture.App.DataDirectory, "uploads"));
        Assert.Equal(text, await File.ReadAllTextAsync(stored)); // stored as plain text
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(stored)!)); // the .gz itself is gone
        Assert.Equal(hash, DatasetReference.HashOf(stored)); // named by its content

        var validate = await fixture.App.Http.PostJsonAsync("api/runs/validate", Spec(name, "format " + fileName));
        Assert.True(validate.StatusCode == HttpStatusCode.OK, (await validate.JsonAsync()).Describe());
    }

    [Fact]
    public async Task GzipUpload_RunsToTheEnd()
    {
        var name = await UploadAsync("run-me.csv.gz", Gzip(Csv()));
        var id = await fixture.App.Http.CreateRunAsync(Spec(name, "gzip upload run"));
        var run = await fixture.App.Http.WaitForStatusAsync(id, "finished");
        Assert.Equal("finished", run.Status());
    }

    [Fact]
    public async Task CorruptGzip_Is400()
    {
        var content = new MultipartFormDataContent();
        var file = new ByteArrayContent([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7]);
        content.Add(file, "file", "broken.csv.gz");
        var response = await fixture.App.Http.PostAsync("api/datasets", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("gzip", (await response.JsonAsync()).Errors().Single().Message, StringComparison.Ordinal);
    }
}
