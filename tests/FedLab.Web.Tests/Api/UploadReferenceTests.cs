using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FedLab.Engine.Datasets;
using FedLab.Web.Tests.Infrastructure;

namespace FedLab.Web.Tests.Api;

/// <summary>
/// An uploaded dataset is named by a portable reference (content hash and file name), never by the server's path
/// (issue 12, walk defects): the stored spec and its exports carry no folder of this machine, and the same content
/// uploaded twice is one entry.
/// </summary>
[Collection(SharedAppCollection.Name)]
public sealed class UploadReferenceTests(SharedAppFixture fixture)
{
    private static byte[] Csv(string marker)
    {
        var csv = new StringBuilder("text,label\n");
        for (int i = 0; i < 40; i++)
        {
            csv.Append(i % 2 == 0 ? $"{marker} cheap pills offer {i},spam\n" : $"{marker} meeting notes {i},ham\n");
        }
        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    private async Task<System.Text.Json.Nodes.JsonNode> UploadAsync(string fileName, byte[] bytes)
    {
        var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(file, "file", fileName);
        var response = await fixture.App.Http.PostAsync("api/datasets", content);
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.Describe());
        return body;
    }

    private string Uploads => Path.Combine(fixture.App.DataDirectory, "uploads");

    [Fact]
    public async Task SameContentTwice_IsOneEntry_UnderOneReference()
    {
        var bytes = Csv("twice");
        var first = await UploadAsync("news.csv", bytes);
        var second = await UploadAsync("news copy.csv", bytes);
        var name = first["name"]!.GetValue<string>();
        Assert.Matches("^upload:[0-9a-f]{16}/news\\.csv$", name);
        Assert.False(first["alreadyUploaded"]!.GetValue<bool>());
        Assert.Equal(name, second["name"]!.GetValue<string>());
        Assert.True(second["alreadyUploaded"]!.GetValue<bool>());
        Assert.True(DatasetReference.TryParse(name, out var hash, out _));
        Assert.Single(Directory.GetFiles(Path.Combine(Uploads, hash)));
        Assert.Empty(Directory.GetFiles(Path.Combine(Uploads, ".incoming")));

        var other = await UploadAsync("news.csv", Csv("different"));
        Assert.NotEqual(name, other["name"]!.GetValue<string>()); // same file name, other content: another entry
    }

    [Fact]
    public async Task RunOnAnUpload_StoresTheReference_NotAServerPath()
    {
        var name = (await UploadAsync("portable.csv", Csv("portable")))["name"]!.GetValue<string>();
        var spec = TinySpecs.Json(dataset: name, name: "portable dataset", rounds: 1, clients: 2)
            .Replace("\"trainLimit\": 120, ", "", StringComparison.Ordinal);
        var id = await fixture.App.Http.CreateRunAsync(spec);
        var run = await fixture.App.Http.WaitForStatusAsync(id, "finished");
        Assert.Equal(name, run["spec"]!["dataset"]!["name"]!.GetValue<string>());
        Assert.DoesNotContain(fixture.App.DataDirectory, run.Describe(), StringComparison.Ordinal);

        var csv = await fixture.App.Http.GetStringAsync($"api/runs/export?ids={id}&format=csv");
        Assert.DoesNotContain(fixture.App.DataDirectory, csv, StringComparison.Ordinal);
        Assert.Contains("portable.csv", csv, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("upload:0123456789abcdef/elsewhere.csv", "is not on this machine")]
    [InlineData("upload:../../etc/passwd", "is not a dataset reference")]
    [InlineData("upload:0123456789ABCDEF/x.csv", "is not a dataset reference")]
    [InlineData("upload:0123456789abcdef/x.txt", "is not a dataset reference")]
    public async Task ReferenceThisMachineDoesNotHold_IsRefusedClearly(string reference, string expected)
    {
        var spec = TinySpecs.Json(dataset: reference, name: "missing upload", rounds: 1, clients: 2);
        var response = await fixture.App.Http.PostJsonAsync("api/runs/validate", spec);
        var body = await response.JsonAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single(body.Errors(), e => e.Field == "dataset.name");
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
