using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FedLab.Web.Tests.Infrastructure;

namespace FedLab.Web.Tests.Api;

/// <summary>Upload size and row limits (a dashboard with small limits) answer with the limit in the message.</summary>
public sealed class UploadLimitTests
{
    [Fact]
    public async Task Upload_OverSizeOrRowLimit_IsRefusedClearly()
    {
        await using var app = await TestApp.StartAsync("--FedLab:MaxUploadBytes=2000", "--FedLab:MaxDatasetRows=20");

        var big = new StringBuilder("text,label\n");
        while (big.Length < 5000)
        {
            big.Append("some long text that repeats,spam\nmore long text that repeats,ham\n");
        }
        var tooBig = await UploadAsync(app.Http, "big.csv", big.ToString());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Contains("MaxUploadBytes", (await tooBig.JsonAsync()).Errors().Single().Message, StringComparison.Ordinal);

        var rows = new StringBuilder("text,label\n");
        for (int i = 0; i < 30; i++)
        {
            rows.Append(i % 2 == 0 ? "a,x\n" : "b,y\n");
        }
        var tooMany = await UploadAsync(app.Http, "rows.csv", rows.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("more than 20 rows", (await tooMany.JsonAsync()).Errors().Single().Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(app.DataDirectory, "uploads")));
    }

    private static Task<HttpResponseMessage> UploadAsync(HttpClient http, string name, string text)
    {
        var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(file, "file", name);
        return http.PostAsync("api/datasets", content);
    }
}
