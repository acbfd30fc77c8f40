using FedLab.Tests.Shared;
using FedLab.Web.Tests.EndToEnd;
using FedLab.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FedLab.Web.Tests.Studies;

/// <summary>
/// A study created through the API appears on its page in headless chromium while it runs (the grid fills in without a
/// reload) and after, with its table and figures; the figures stay light on the dark theme. Screenshots under screenshots/.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Browser)]
public sealed class StudyPageBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestApp _app = default!;
    private BrowserSession _browser = default!;

    public async Task InitializeAsync()
    {
        _browser = await BrowserSession.StartAsync();
        _app = await TestApp.StartAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var line in _app.Logs.Lines)
        {
            output.WriteLine(line);
        }
        await _app.DisposeAsync();
        await _browser.DisposeAsync();
    }

    [Fact]
    public async Task StudyPage_ShowsTheStudyLiveAndItsFiguresAfter()
    {
        var body = $$"""
            { "name": "browser study", "base": {{TinySpecs.Json(rounds: 2, clients: 2, localSteps: 1)}},
              "frameworks": ["fedllm", { "framework": "split", "split": { "cutLayer": 1 } }],
              "axes": [{ "path": "partition.alpha", "values": [0.5, 2.0] }], "seeds": [1, 2], "targetAccuracy": 0.3 }
            """;
        var created = await (await _app.Http.PostJsonAsync("api/studies", body)).JsonAsync();
        var id = created["id"]!.GetValue<Guid>();

        var page = await _browser.NewPageAsync(_app.BaseUrl, dark: true);
        await page.GotoAsync($"/studies/{id}");
        await page.WaitForSelectorAsync("#study-grid");
        Assert.Equal(4, await page.Locator("#study-grid tbody tr").CountAsync()); // 2 frameworks x 2 alphas

        // Live: the page refreshes itself until every run has finished.
        await page.WaitForFunctionAsync("() => document.querySelector('#study-progress')?.textContent.includes('8 of 8 runs finished')", null,
            new PageWaitForFunctionOptions { Timeout = 240_000, PollingInterval = 500 });
        await page.WaitForSelectorAsync("#study-summary table");
        Assert.True(await page.Locator(".study-figure svg").CountAsync() >= 6);
        Assert.Contains("±", await page.InnerTextAsync("#study-summary"), StringComparison.Ordinal);
        // The figures keep their opaque white background on the dark theme (paper-ready whatever the UI theme).
        Assert.Equal("#ffffff", await page.GetAttributeAsync(".study-figure[data-figure='accuracy'] svg rect", "fill"));
        await BrowserSession.ScreenshotAsync(page, "study-dark");

        // The PNG download answers with an image.
        var png = await _app.Http.GetAsync($"api/studies/{id}/figures/accuracy.png");
        Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
    }
}
