using FedLab.Data;
using FedLab.Tests.Shared;
using FedLab.Web.Tests.EndToEnd;
using FedLab.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FedLab.Web.Tests.Walk;

/// <summary>
/// The real dashboard in headless chromium with the case recorded (a run that predicts only the 91.7% class,
/// a learner, a KD consensus run): the run page and the compare table flag the majority predictor and show its
/// baseline; at 400 pixels the Runs and Compare tables are labelled cards and nothing overflows sideways; at 1440 the
/// Runs table fits without scrolling and long names stay on one line. Screenshots go to /work/shots when that folder
/// exists (else to the test output's screenshots/).
/// </summary>
[Trait(TestCategories.Key, TestCategories.Browser)]
public sealed class NarrowViewportBrowserTests : IAsyncLifetime
{
    private static readonly string Shots = Directory.Exists("/work/shots") ? "/work/shots" : BrowserSession.ScreenshotDirectory;

    private TestApp _app = default!;
    private BrowserSession _browser = default!;
    private Guid _flat, _good, _kd;

    public async Task InitializeAsync()
    {
        _browser = await BrowserSession.StartAsync();
        _app = await TestApp.StartAsync();
        var store = _app.Services.GetRequiredService<RunStore>();
        var recorders = _app.Services.GetRequiredService<RunRecorderFactory>();
        _flat = await EvaluatedRuns.MajorityPredictorAsync(store, recorders, "news 92% one class · FedLLM (a rather long run name that used to wrap onto many lines)");
        _good = await EvaluatedRuns.LearnerAsync(store, recorders, "news 92% one class · Centralized", framework: "centralized");
        _kd = await EvaluatedRuns.LearnerAsync(store, recorders, "news 92% one class · KD-FedLLM", framework: "kd");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _browser.DisposeAsync();
    }

    [Fact]
    public async Task MajorityPredictor_IsFlaggedOnTheRunPageAndInTheCompareTable_AndNarrowTablesAreLabelled()
    {
        // The run page: baseline, warning, confusion matrix.
        var wide = await _browser.NewPageAsync(_app.BaseUrl, width: 1440, height: 1000);
        await wide.GotoAsync($"/runs/{_flat}");
        await wide.WaitForSelectorAsync("#baseline-warning");
        Assert.Contains("always predicting “other”", await wide.InnerTextAsync("#baseline-warning"), StringComparison.Ordinal);
        Assert.Equal("91.7 %", (await wide.InnerTextAsync("#stat-baseline h6")).Trim());
        Assert.Equal("275", (await wide.InnerTextAsync("#confusion-matrix [data-cell='1-1']")).Trim());
        await Shot(wide, "run-majority-1440");

        // The Runs page at 1440: no sideways scrolling, long names on one line.
        await wide.GotoAsync("/runs");
        await wide.WaitForSelectorAsync($"[data-run-link='{_flat}']");
        await Shot(wide, "runs-1440");
        var widths = await wide.EvaluateAsync<string>("() => { const c = document.querySelector('#runs-table .mud-table-container'); return c.scrollWidth + '/' + c.clientWidth + ': ' + [...document.querySelectorAll('#runs-table thead th')].map(th => Math.round(th.getBoundingClientRect().width)).join(' '); }");
        Assert.True(await wide.EvaluateAsync<bool>("() => { const c = document.querySelector('#runs-table .mud-table-container'); return c.scrollWidth <= c.clientWidth + 1; }"),
            $"the Runs table scrolls sideways at 1440 pixels ({widths})");
        var nameHeight = await wide.EvaluateAsync<double>($"() => document.querySelector(\"[data-run-link='{_flat}']\").getBoundingClientRect().height");
        Assert.InRange(nameHeight, 1, 30); // one line

        // The compare table flags the majority predictor, shows the baselines and marks the KD consensus series.
        await wide.GotoAsync($"/compare?ids={_flat},{_good},{_kd}");
        await wide.WaitForSelectorAsync($"[data-baseline-warning='{_flat}']");
        Assert.Equal(0, await wide.Locator($"[data-baseline-warning='{_good}']").CountAsync());
        Assert.Contains("91.7 %", await wide.InnerTextAsync($"[data-baseline='{_flat}']"), StringComparison.Ordinal);
        Assert.Contains("a different kind of series", await wide.InnerTextAsync($"[data-source='{_kd}']"), StringComparison.Ordinal);
        Assert.Equal("95.9", await wide.InputValueAsync("#target-accuracy"));
        await Shot(wide, "compare-1440");

        // 400 pixels: labelled cards, nothing wider than the screen, the picker inside it.
        var narrow = await _browser.NewPageAsync(_app.BaseUrl, width: 400, height: 900);
        await narrow.GotoAsync("/runs");
        await narrow.WaitForSelectorAsync($"[data-run-link='{_flat}']");
        await AssertLabelledAsync(narrow, "#runs-table", "best acc.");
        await AssertNoSidewaysOverflowAsync(narrow);
        await Shot(narrow, "runs-400");

        await narrow.GotoAsync($"/compare?ids={_flat},{_good},{_kd}");
        await narrow.WaitForSelectorAsync($"[data-baseline-warning='{_flat}']");
        await AssertLabelledAsync(narrow, "#compare-table", "majority baseline");
        await AssertNoSidewaysOverflowAsync(narrow);
        var picker = await narrow.Locator("#compare-picker").Locator("xpath=ancestor::div[contains(@class,'mud-select')][1]").BoundingBoxAsync();
        Assert.NotNull(picker);
        Assert.True(picker.X >= 0 && picker.X + picker.Width <= 400.5, $"the run picker spans {picker.X}..{picker.X + picker.Width} of 400 pixels");
        await Shot(narrow, "compare-400");
    }

    /// <summary>Every cell of the table carries its column's name, and the stacked layout shows it (CSS ::before).</summary>
    private static async Task AssertLabelledAsync(IPage page, string table, string label)
    {
        var shown = await page.EvaluateAsync<string>($$"""
            () => {
              const cell = document.querySelector("{{table}} td[data-label='{{label}}']");
              return cell ? getComputedStyle(cell, '::before').content : 'no cell';
            }
            """);
        Assert.Equal($"\"{label}\"", shown);
    }

    private static async Task AssertNoSidewaysOverflowAsync(IPage page)
    {
        var width = await page.EvaluateAsync<double>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 401, $"the page is {width} pixels wide at a 400-pixel viewport");
    }

    private static Task Shot(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, name + ".png"), FullPage = true });
}
