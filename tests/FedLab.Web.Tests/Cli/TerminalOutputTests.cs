using System.Net;
using FedLab.Engine.Runs;
using FedLab.Tests.Shared;
using FedLab.Web.Cli;
using FedLab.Web.Tests.Infrastructure;

namespace FedLab.Web.Tests.Cli;

/// <summary>
/// Terminal escape injection (issue #10, item 4): a run name with control characters is refused at the API,
/// and whatever the database holds, the CLI prints no control sequence.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Process)]
public sealed class TerminalOutputTests
{
    private const string Evil = "evil\u001b[2J\u001b]0;pwned\u0007\0end";

    [Fact]
    public async Task RunsCommand_PrintsStoredControlCharactersAsVisibleSymbols()
    {
        // A database that holds such a name anyway (written before validation refused it, or by another tool).
        var data = Directory.CreateTempSubdirectory("fedlab-terminal-").FullName;
        try
        {
            var settings = new FedLabSettings { DataDirectory = data };
            await using (var database = await CliDatabase.OpenAsync(settings, TextWriter.Null, CancellationToken.None))
            {
                // The store validates too, so write the name behind its back.
                await database.Store.CreateRunAsync(RunSpecJson.Parse(TinySpecs.Json(name: "placeholder")), null, CancellationToken.None);
            }
            await using (var sqlite = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={settings.DatabasePath};Pooling=False"))
            {
                await sqlite.OpenAsync();
                var update = sqlite.CreateCommand();
                update.CommandText = "UPDATE Runs SET Name = $name";
                update.Parameters.AddWithValue("$name", Evil);
                Assert.Equal(1, await update.ExecuteNonQueryAsync());
            }
            using var cli = new CliProcess(new Dictionary<string, string> { ["FEDLAB__DATADIRECTORY"] = data }, "runs");
            Assert.Equal(0, await cli.WaitAsync(TimeSpan.FromMinutes(2)));
            var printed = cli.Stdout + cli.Stderr;
            Assert.Contains("evil\u241b[2J\u241b]0;pwned\u2407\u2400end", printed, StringComparison.Ordinal);
            Assert.DoesNotContain(printed, c => c is '\u001b' or '\u0007' or '\0');
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public void SafeWriter_KeepsLineBreaks_AndReplacesEveryOtherControlCharacter()
    {
        var inner = new StringWriter { NewLine = "\n" };
        var writer = new TerminalSafeWriter(inner);
        writer.WriteLine("a\u001b[31mred\r\tx");
        writer.Write('\u009b');
        writer.Write("b\u007f\nc".ToCharArray(), 0, 4);
        Assert.Equal("a\u241b[31mred\u240d\tx\n\ufffdb\u2421\nc", inner.ToString());
        Assert.Equal("x\u240ay", TerminalText.Safe("x\ny"));
    }

    [Fact]
    public async Task Api_RefusesAControlCharacterInTheName()
    {
        await using var app = await TestApp.StartAsync();
        var response = await app.Http.PostJsonAsync("api/runs", TinySpecs.Json(name: "evil\\u001b[2J\\u0000"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single((await response.JsonAsync()).Errors());
        Assert.Equal("name", error.Field);
        Assert.Contains("control characters", error.Message, StringComparison.Ordinal);
    }
}
