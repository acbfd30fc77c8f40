using System.Net;
using System.Net.Http.Headers;
using CsCheck;
using FedLab.Engine.Runs;
using FedLab.Web.Cli;
using FedLab.Web.Tests.Cli;
using FedLab.Web.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FedLab.Web.Tests.Api;

/// <summary>
/// Issue #10 item 13: mutated example specs (see <see cref="SpecMutator"/>) sent to the REST API and to the CLI's
/// parse path. Whatever the input: a refusal is a 4xx or exit 2 with field-level messages of sane length and no
/// stack trace, nothing is created, the API never accepts what the CLI refuses, and nothing throws anything but
/// the spec error. 200 cases here (seconds); FEDLAB_FUZZ_COUNT=20000 (and FEDLAB_FUZZ_SEED to replay) for more.
/// </summary>
public sealed class SpecFuzzTests(ITestOutputHelper output)
{
    private const int DefaultCount = 200;

    [Fact]
    public async Task MutatedSpecs_AreRefusedCleanly_ByTheApiAndTheCliParser()
    {
        long count = long.TryParse(Environment.GetEnvironmentVariable("FEDLAB_FUZZ_COUNT"), out var n) && n > 0 ? n : DefaultCount;
        var seed = Environment.GetEnvironmentVariable("FEDLAB_FUZZ_SEED");
        await using var app = await TestApp.StartAsync();
        var folder = Directory.CreateTempSubdirectory("fedlab-fuzz-").FullName;
        var file = Path.Combine(folder, "spec.json");
        int refused = 0, accepted = 0;
        int runsBefore = await TotalRunsAsync(app.Http);

        await SpecMutator.Cases.SampleAsync(async c =>
        {
            var bytes = SpecMutator.Bytes(c);
            // The CLI's own code: read the file, parse and validate (anything but RunSpecException fails the test).
            File.WriteAllBytes(file, bytes);
            IReadOnlyList<SpecError>? cliErrors = null;
            try
            {
                RunSpecJson.ParseAndValidate(RunCommand.ReadSpec(file));
            }
            catch (RunSpecException ex)
            {
                cliErrors = ex.Errors;
            }
            if (cliErrors is not null)
            {
                Assert.NotEmpty(cliErrors);
                Assert.All(cliErrors, e => AssertFieldLevel(e.Field, e.Message, c));
            }

            var validate = await PostAsync(app.Http, "api/runs/validate", bytes);
            if (cliErrors is null)
            {
                // The API may be stricter (a dataset path outside the uploads folder), never looser, and never a 5xx.
                Assert.True(validate.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{c}: validate answered {validate.Status}: {validate.Body}");
                accepted++;
            }
            else
            {
                AssertRefusal(validate, c);
                // POST /api/runs only for what is refused: an accepted example would queue a real run.
                AssertRefusal(await PostAsync(app.Http, "api/runs", bytes), c);
                refused++;
            }
        }, iter: count, threads: 1, seed: seed);

        Assert.Equal(runsBefore, await TotalRunsAsync(app.Http));
        output.WriteLine($"{count} cases: {refused} refused by both, {accepted} accepted by the CLI parser; runs created: 0");
        Assert.True(refused > count / 2, $"only {refused} of {count} cases were refused; the mutations are too mild");
    }

    [Theory]
    [InlineData(0, 1, 7, 0)]    // a field set to null
    [InlineData(1, 2, 3, 2)]    // 1e308 somewhere
    [InlineData(2, 3, 1, 1)]    // an escape sequence in a string
    [InlineData(3, 9, 0, 0)]    // UTF-16 without a BOM
    [InlineData(4, 6, 40, 0)]   // truncated
    public async Task MutatedSpecs_ThroughTheRealCli_ExitTwo_WithFieldMessages(int example, int kind, int where, int value)
    {
        var c = new SpecFuzzCase(example, kind, where, value);
        var folder = Directory.CreateTempSubdirectory("fedlab-fuzz-cli-").FullName;
        var spec = Path.Combine(folder, "spec.json");
        File.WriteAllBytes(spec, SpecMutator.Bytes(c));
        using var cli = new CliProcess(new Dictionary<string, string> { ["FEDLAB__DATADIRECTORY"] = Path.Combine(folder, "data") }, "run", "--config", spec);

        Assert.True(await cli.WaitAsync(TimeSpan.FromMinutes(2)) == RunCommand.BadInput, $"{c}: {cli.Stdout}{cli.Stderr}");
        Assert.Contains("invalid run spec", cli.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  [^ :]+: \S", cli.Stderr); // "  field: message"
        Assert.DoesNotContain("   at ", cli.Stderr + cli.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("recorded in", cli.Stdout, StringComparison.Ordinal);
    }

    private static void AssertFieldLevel(string field, string message, SpecFuzzCase c)
    {
        Assert.False(string.IsNullOrWhiteSpace(field), $"{c}: an error without a field");
        Assert.False(string.IsNullOrWhiteSpace(message), $"{c}: {field} without a message");
        Assert.True(field.Length <= 300 && message.Length <= 1_000, $"{c}: {field}: a message of {message.Length} characters (echoing the input?)");
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
    }

    private static void AssertRefusal((HttpStatusCode Status, string Body) response, SpecFuzzCase c)
    {
        Assert.True((int)response.Status is >= 400 and < 500, $"{c}: answered {response.Status}: {response.Body}");
        Assert.DoesNotContain("   at ", response.Body, StringComparison.Ordinal);
        var errors = System.Text.Json.Nodes.JsonNode.Parse(response.Body)!.Errors().ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, e => AssertFieldLevel(e.Field, e.Message, c));
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient http, string path, byte[] bytes)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(path, content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<int> TotalRunsAsync(HttpClient http) =>
        (await (await http.GetAsync("api/runs?pageSize=1")).JsonAsync())["total"]!.GetValue<int>();
}
