using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FedLab.Engine.Runs;
using FedLab.Web.Cli;
using FedLab.Web.Tests.Infrastructure;

namespace FedLab.Web.Tests.Api;

/// <summary>
/// Issue #10 item 11: the API and the CLI read the same bytes the same way: UTF-8 (BOM allowed), comments allowed,
/// UTF-16 and invalid UTF-8 refused with the same message, and nothing created.
/// </summary>
[Collection(SharedAppCollection.Name)]
public sealed class SpecParsePolicyApiTests(SharedAppFixture fixture)
{
    private HttpClient Http => fixture.App.Http;

    public static TheoryData<string> Kinds => ["utf-8", "utf-8-bom", "comments", "trailing-comma", "utf-16le-bom", "utf-16be-bom", "utf-16le", "invalid-utf-8"];

    private static byte[] Bytes(string kind)
    {
        var spec = TinySpecs.Json(name: "parse policy");
        return kind switch
        {
            "utf-8" => Encoding.UTF8.GetBytes(spec),
            "utf-8-bom" => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(spec)],
            "comments" => Encoding.UTF8.GetBytes("// a researcher's note\n" + spec.Replace("\"seed\"", "/* fixed */ \"seed\"", StringComparison.Ordinal)),
            "trailing-comma" => Encoding.UTF8.GetBytes(spec.Replace("\"seed\": 5", "\"seed\": 5,", StringComparison.Ordinal)),
            "utf-16le-bom" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(spec)],
            "utf-16be-bom" => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(spec)],
            "utf-16le" => Encoding.Unicode.GetBytes(spec),
            _ => [.. Encoding.UTF8.GetBytes(spec[..20]), 0xFF, .. Encoding.UTF8.GetBytes(spec[20..])],
        };
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ApiAndCli_GiveTheSameAnswer_ForTheSameBytes(string kind)
    {
        var bytes = Bytes(kind);
        // The CLI's path: read the file, parse and validate.
        var file = Path.Combine(Directory.CreateTempSubdirectory("fedlab-parse-").FullName, "spec.json");
        File.WriteAllBytes(file, bytes);
        SpecError? cliError = null;
        try
        {
            RunSpecJson.ParseAndValidate(RunCommand.ReadSpec(file));
        }
        catch (RunSpecException ex)
        {
            cliError = ex.Errors[0];
        }

        var before = await TotalRunsAsync();
        foreach (var path in (string[])["api/runs/validate", "api/runs"])
        {
            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            var response = await Http.PostAsync(path, content);
            if (cliError is null)
            {
                Assert.True(response.IsSuccessStatusCode, $"{kind}: {path} answered {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                if (path == "api/runs")
                {
                    // Cancel the created run so the shared queue stays free.
                    var id = (await response.JsonAsync())["id"]!.GetValue<Guid>();
                    await Http.PostAsync($"api/runs/{id}/cancel", null);
                }
            }
            else
            {
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                var error = (await response.JsonAsync()).Errors().First();
                Assert.Equal((cliError.Field, cliError.Message), error);
            }
        }
        bool ok = kind is "utf-8" or "utf-8-bom" or "comments";
        Assert.Equal(ok, cliError is null);
        if (!ok)
        {
            Assert.Equal(before, await TotalRunsAsync());
            Assert.Contains(kind.StartsWith("utf-16", StringComparison.Ordinal) || kind == "invalid-utf-8" ? "save it as UTF-8" : "", cliError!.Message, StringComparison.Ordinal);
        }
    }

    private async Task<int> TotalRunsAsync() => (await (await Http.GetAsync("api/runs?pageSize=1")).JsonAsync())["total"]!.GetValue<int>();
}
