using System.Globalization;
using FedLab.Tests.Shared;
using FedLab.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FedLab.Web.Tests.EndToEnd;

/// <summary>
/// The real app on 127.0.0.1 (port 0, its own data folder) in headless chromium: a quick run created from
/// the form whose accuracy chart gains points live, then the compare page for two finished runs. Saves
/// screenshots of every page (light and dark) under screenshots/ in the test output.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Browser)]
public sealed class DashboardEndToEndTests(ITestOutputHelper output) : IAsyncLifetime
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
        // Shown with a failing test: what the server logged while the browser waited.
        foreach (var line in _app.Logs.Lines)
        {
            output.WriteLine(line);
        }
        await _app.DisposeAsync();
        await _browser.DisposeAsync();
    }

    [Fact]
    public async Task QuickRunFromTheForm_ChartGainsPointsLive_ThenCompareTwoFinishedRuns()
    {
        var page = await _browser.NewPageAsync(_app.BaseUrl);

        // 1. The form: MudBlazor's styles loaded (a real browser renders its classes), presets and fields work.
        await page.GotoAsync("/runs/new");
        await page.WaitForSelectorAsync("#form-valid");
        var appBarHeight = await page.EvaluateAsync<double>("document.querySelector('.mud-appbar').getBoundingClientRect().height");
        Assert.InRange(appBarHeight, 40, 80); // unstyled, the app bar would not be a fixed-height bar
        await WaitForPreviewAsync(page);
        await BrowserSession.ScreenshotAsync(page, "new-run-light");

        await FillAsync(page, "name", "e2e quick run");
        await ShrinkToTinyAsync(page, "tiny:", rounds: 8, localSteps: 4);

        // A bad value shows the validator's message at its field and blocks starting.
        await FillAsync(page, "partition.clients", "0");
        await page.WaitForSelectorAsync("[data-field='partition.clients'] .mud-input-error");
        Assert.Contains("must be between 1 and 1000, got 0", await page.InnerTextAsync("[data-field='partition.clients']"), StringComparison.Ordinal);
        Assert.True(await page.IsDisabledAsync("#start-run"));
        await FillAsync(page, "partition.clients", "3");
        await page.WaitForSelectorAsync("#form-valid");

        // A long run occupies the queue (one run at a time), so the new run waits until its page is open and
        // every round must arrive live; cancelling the blocker lets it start.
        var blocker = await _app.Http.CreateRunAsync(TinySpecs.Json(rounds: 1000, name: "e2e blocker"));
        await StartAndFollowAsync(page, "#start-run", RunPage);
        var firstRun = Guid.Parse(page.Url.Split('/')[^1]);
        await page.WaitForSelectorAsync("[data-status='queued']");
        (await _app.Http.PostAsync($"api/runs/{blocker}/cancel", null)).EnsureSuccessStatusCode();

        // 2. Live: the accuracy chart gains points while the run trains, without a reload.
        await page.WaitForFunctionAsync("() => window.fedlab && fedlab.tracePoints('chart-accuracy') >= 1", null, new PageWaitForFunctionOptions { Timeout = 120_000 });
        // Sampled in the browser every 5 ms (a round trip per sample would miss short rounds). 0 = a chart being
        // drawn anew (the page re-reads the run once when it starts, to get its partition), not a count.
        await page.EvaluateAsync(@"() => {
            window.__seen = [];
            const tick = () => {
                const n = fedlab.tracePoints('chart-accuracy');
                if (n > 0 && window.__seen[window.__seen.length - 1] !== n) { window.__seen.push(n); }
                if (n < 9) { setTimeout(tick, 5); }
            };
            tick();
        }");
        await page.WaitForFunctionAsync("() => fedlab.tracePoints('chart-accuracy') >= 9", null, new PageWaitForFunctionOptions { Timeout = 180_000 });
        var seen = (await page.EvaluateAsync<int[]>("() => window.__seen")).ToList();
        var distinct = seen.Distinct().ToList();
        Assert.True(distinct.Count >= 3, $"the chart should have grown round by round; saw point counts {string.Join(",", distinct)}");
        Assert.Equal(distinct.Order(), distinct); // only ever grew
        Assert.Equal(9, seen[^1]); // rounds 0..8
        await page.WaitForSelectorAsync("[data-status='finished']", new PageWaitForSelectorOptions { Timeout = 60_000 });
        // The page was opened while the run was queued: the partition (3 clients) must still arrive.
        await page.WaitForFunctionAsync("() => fedlab.tracePoints('chart-partition') === 3", null, new PageWaitForFunctionOptions { Timeout = 10_000 });
        await BrowserSession.ScreenshotAsync(page, "run-light");

        // A second finished run (the API, for speed), then the Runs page: select both, Compare.
        var second = await _app.Http.CreateRunAsync(TinySpecs.Json(rounds: 3, name: "e2e second run", seed: 9));
        await _app.Http.WaitForStatusAsync(second, "finished");
        await page.GotoAsync("/");
        await page.WaitForSelectorAsync($"[data-run-link='{second}']");
        await BrowserSession.ScreenshotAsync(page, "runs-light");
        await page.ClickAsync($"[data-run-select='{firstRun}']");
        await page.ClickAsync($"[data-run-select='{second}']");
        await page.ClickAsync("#compare-selected");

        // 3. Compare: both runs overlaid on the round, MB and TFLOPs axes, the table, the spec diff.
        await WaitForLocationAsync(page, ComparePage);
        // (The accuracy chart also draws the majority baseline as a grey reference line: not a run.)
        await page.WaitForFunctionAsync("() => ['compare-rounds','compare-mb','compare-tflops'].every(id => { const el = document.getElementById(id); return el && el.data && el.data.filter(t => !(t.name || '').startsWith('majority baseline')).length === 2; })");
        Assert.Equal(9, await page.EvaluateAsync<int>("fedlab.tracePoints('compare-rounds', 0) + 0"));
        var diff = await page.InnerTextAsync("#spec-diff");
        Assert.Contains("training.rounds", diff, StringComparison.Ordinal);
        Assert.Contains("seed", diff, StringComparison.Ordinal);
        Assert.DoesNotContain("dataset.maxTokens", diff, StringComparison.Ordinal);
        Assert.Equal(2, await page.Locator("#compare-table tbody tr").CountAsync());
        await BrowserSession.ScreenshotAsync(page, "compare-light");
        // The cost axes switch to a log scale (and back) without losing their lines.
        await page.ClickAsync("#log-cost");
        await page.WaitForFunctionAsync("() => ['compare-mb','compare-tflops'].every(id => document.getElementById(id).layout.xaxis.type === 'log')");
        Assert.Equal("linear", await page.EvaluateAsync<string>("() => document.getElementById('compare-rounds').layout.xaxis.type"));
        Assert.Equal(2, await page.EvaluateAsync<int>("() => document.getElementById('compare-mb').data.length"));
        await page.ClickAsync("#log-cost");
        await page.WaitForFunctionAsync("() => document.getElementById('compare-mb').layout.xaxis.type === 'linear'");

        // Dark theme: every page renders with the dark palette.
        var dark = await _browser.NewPageAsync(_app.BaseUrl, dark: true);
        foreach (var (url, name, ready) in new[]
        {
            ($"/runs/{firstRun}", "run-dark", "() => fedlab.tracePoints('chart-accuracy') === 9"),
            ("/", "runs-dark", "() => document.querySelector('[data-run-link]') !== null"),
            ("/runs/new", "new-run-dark", "() => document.querySelector('#form-valid') !== null"),
            (page.Url[_app.BaseUrl.Length..], "compare-dark", "() => fedlab.tracePoints('compare-rounds', 1) > 0"),
        })
        {
            await dark.GotoAsync(url);
            await dark.WaitForFunctionAsync(ready);
            await dark.WaitForTimeoutAsync(500);
            var background = await dark.EvaluateAsync<string>("getComputedStyle(document.querySelector('.mud-layout') || document.body).backgroundColor");
            Assert.True(IsDark(background), $"{url} is not dark in the dark theme: background {background}");
            await BrowserSession.ScreenshotAsync(dark, name);
            if (name == "run-dark")
            {
                await FiguresAreLightOnWhiteAsync(dark, "chart-accuracy");
                await FiguresAreLightOnWhiteAsync(dark, "chart-heatmap");
            }
        }
    }

    /// <summary>
    /// A figure downloaded from a dark page is the light theme on an opaque white background: the PNG's corner pixel
    /// is opaque white and its SVG has a white background and dark text, never the dark theme's light text.
    /// </summary>
    private static async Task FiguresAreLightOnWhiteAsync(IPage page, string chart)
    {
        var pixel = await page.EvaluateAsync<int[]>($$"""
            async () => {
              const url = await fedlab.figure.download('{{chart}}', 'png');
              const img = new Image(); img.src = url; await img.decode();
              const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
              const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
              return Array.from(ctx.getImageData(2, 2, 1, 1).data);
            }
            """);
        Assert.Equal([255, 255, 255, 255], pixel);
        var svg = await page.EvaluateAsync<string>($"async () => decodeURIComponent((await fedlab.figure.download('{chart}', 'svg')).split(',')[1])");
        Assert.StartsWith("<svg", svg.TrimStart(), StringComparison.Ordinal);
        Assert.True(svg.Contains("rgb(255, 255, 255)", StringComparison.Ordinal) || svg.Contains("fill=\"#ffffff\"", StringComparison.Ordinal), "no white background in the SVG");
        Assert.True(svg.Contains("rgb(43, 47, 58)", StringComparison.Ordinal) || svg.Contains("#2b2f3a", StringComparison.Ordinal), "no dark text in the SVG");
        Assert.DoesNotContain("rgb(216, 219, 230)", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("#d8dbe6", svg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompareAllFrameworksPreset_StartsOneRunPerFramework_ShownSideBySide()
    {
        var page = await OpenFormWithPresetAsync("#preset-compare", "Framework comparison");
        // The preset's base, shrunk to a tiny model so the three runs take seconds (4 layers: the preset cuts
        // the split run after block 2).
        await ShrinkToTinyAsync(page, "tiny4:", rounds: 2, localSteps: 2);
        await page.WaitForSelectorAsync("#form-valid");
        var federated = Web.Specs.FrameworkCatalog.Federated;
        int runs = federated.Count + 1; // the preset ticks the centralized reference too
        Assert.Contains($"experiment ({runs} run", await page.InnerTextAsync("#start-experiment"), StringComparison.OrdinalIgnoreCase);

        await StartAndFollowAsync(page, "#start-experiment", ComparePage);
        // The compare page fills in as the runs train one after the other: every run, every round, on all three axes.
        await page.WaitForFunctionAsync(
            $"() => ['compare-rounds','compare-mb','compare-tflops'].every(id => {{ const el = document.getElementById(id); const t = el && el.data ? el.data.filter(t => !(t.name || '').startsWith('majority baseline')) : []; return t.length === {runs} && t.every(t => t.x.length === 3); }})",
            null, new PageWaitForFunctionOptions { Timeout = 180_000 });
        Assert.Equal(runs, await page.Locator("#compare-table tbody tr").CountAsync());
        var names = await page.InnerTextAsync("#compare-table");
        foreach (var f in federated)
        {
            Assert.Contains(f.DisplayName, names, StringComparison.Ordinal);
        }
        // Same data and budget, different traffic: the MB axis separates the frameworks.
        var finalMb = await page.EvaluateAsync<double[]>("() => document.getElementById('compare-mb').data.map(t => t.x[t.x.length - 1])");
        Assert.Equal(runs, finalMb.Distinct().Count());
        Assert.Contains("framework", await page.InnerTextAsync("#spec-diff"), StringComparison.Ordinal);
        await BrowserSession.ScreenshotAsync(page, "compare-frameworks-light");
    }

    /// <summary>
    /// Issue 14: a generative run on a tiny decoder started from the form (task selector → the bundled yes/no question
    /// and tiny Llama) shows test exact match, perplexity and answer loss on its page while it trains, and the compare
    /// page places it beside an encoder run, each with its own kind of headline number.
    /// </summary>
    [Fact]
    public async Task GenerativeRunFromTheForm_ShowsItsMetricsLive_AndComparesBesideAnEncoderRun()
    {
        var encoder = await _app.Http.CreateRunAsync(TinySpecs.Json(rounds: 2, name: "e2e encoder"));
        var page = await _browser.NewPageAsync(_app.BaseUrl);
        await page.GotoAsync("/runs/new");
        await page.WaitForSelectorAsync("#form-valid");
        await page.ClickAsync("#task-panel .mud-select");
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new LocatorFilterOptions { HasText = "Generative" }).First.ClickAsync();
        await page.WaitForSelectorAsync("#task-panel[data-task='generative']");
        await FillAsync(page, "name", "e2e generative");
        await FillAsync(page, "dataset.maxTokens", "32");
        await FillAsync(page, "dataset.trainLimit", "64");
        await FillAsync(page, "dataset.testLimit", "16");
        await FillAsync(page, "training.rounds", "3");
        await FillAsync(page, "training.localSteps", "2");
        await FillAsync(page, "training.batchSize", "8");
        await page.WaitForSelectorAsync("#form-valid");
        await StartAndFollowAsync(page, "#start-run", RunPage);
        var generative = Guid.Parse(page.Url.Split('/')[^1]);

        // The generative numbers appear as rounds arrive: exact match, perplexity and the perplexity chart.
        await page.WaitForSelectorAsync("#stat-exact-match", new PageWaitForSelectorOptions { Timeout = 120_000 });
        await page.WaitForFunctionAsync("() => window.fedlab && fedlab.tracePoints('chart-perplexity') >= 2", null, new PageWaitForFunctionOptions { Timeout = 120_000 });
        await page.WaitForSelectorAsync("[data-status='finished']", new PageWaitForSelectorOptions { Timeout = 120_000 });
        Assert.Matches(@"\d+(\.\d+)? ?%", await page.InnerTextAsync("#stat-exact-match"));
        Assert.Matches(@"\d+\.\d{3}", await page.InnerTextAsync("#stat-perplexity"));
        await BrowserSession.ScreenshotAsync(page, "generative-run-light");

        await _app.Http.WaitForStatusAsync(encoder, "finished");
        await page.GotoAsync($"/compare?ids={encoder},{generative}");
        await page.WaitForSelectorAsync($"[data-exact-match='{generative}']");
        Assert.Matches(@"\d+(\.\d+)? ?%", await page.InnerTextAsync($"[data-exact-match='{generative}']"));
        Assert.DoesNotMatch(@"\d", await page.InnerTextAsync($"[data-exact-match='{encoder}']"));
        await BrowserSession.ScreenshotAsync(page, "compare-generative-light");
    }

    /// <summary>
    /// The quick-demo preset as a new user starts it: the real all-MiniLM-L6-v2 with LoRA on the spam data,
    /// nothing changed in the form. It must finish from the browser and learn (final accuracy above the
    /// untrained model's round 0).
    /// </summary>
    [Fact]
    public async Task QuickDemoPreset_RealMiniLm_FinishesFromTheBrowser()
    {
        var page = await OpenFormWithPresetAsync("#preset-quick", "Quick demo");
        await page.WaitForSelectorAsync("#form-valid");
        await StartAndFollowAsync(page, "#start-run", RunPage);
        var id = Guid.Parse(page.Url.Split('/')[^1]);

        await page.WaitForSelectorAsync("[data-status='finished']", new PageWaitForSelectorOptions { Timeout = 600_000 });
        var rounds = Web.Specs.Presets.QuickDemo.Training.Rounds;
        await page.WaitForFunctionAsync($"() => fedlab.tracePoints('chart-accuracy') === {rounds + 1}");
        var run = await _app.Http.GetRunAsync(id);
        Assert.Equal("minilm-l6", run["summary"]!["model"]!.GetValue<string>());
        Assert.Equal(rounds, run["summary"]!["roundsDone"]!.GetValue<int>());
        var accuracy = run["rounds"]!.AsArray().Select(r => r!["accuracy"]!.GetValue<double>()).ToArray();
        Assert.Equal(rounds + 1, accuracy.Length);
        Assert.True(accuracy[^1] > accuracy[0], $"the quick demo should learn: accuracy per round {string.Join(", ", accuracy)}");
        await BrowserSession.ScreenshotAsync(page, "quick-demo-light");
    }

    private async Task<IPage> OpenFormWithPresetAsync(string presetButton, string presetNamePrefix)
    {
        var page = await _browser.NewPageAsync(_app.BaseUrl);
        await page.GotoAsync("/runs/new");
        await page.WaitForSelectorAsync("#form-valid");
        await page.ClickAsync(presetButton);
        await page.WaitForFunctionAsync($"() => document.querySelector(\"[data-field='name'] input\").value.startsWith('{presetNamePrefix}')");
        return page;
    }

    /// <summary>The form's spec on a tiny random model and a sliver of the data, so a run takes seconds.</summary>
    private static async Task ShrinkToTinyAsync(IPage page, string model, int rounds, int localSteps)
    {
        await SelectAsync(page, "model", model);
        await FillAsync(page, "dataset.maxTokens", "24");
        await FillAsync(page, "dataset.trainLimit", "120");
        await FillAsync(page, "dataset.testLimit", "40");
        await FillAsync(page, "training.rounds", rounds.ToString(CultureInfo.InvariantCulture));
        await FillAsync(page, "training.localSteps", localSteps.ToString(CultureInfo.InvariantCulture));
        await FillAsync(page, "training.batchSize", "8");
        await FillAsync(page, "fineTune.lora.rank", "2");
    }

    /// <summary>A run's page: /runs/{id}.</summary>
    private const string RunPage = "() => /^\\/runs\\/[0-9a-f-]{36}$/.test(location.pathname)";

    /// <summary>The compare page with a selection.</summary>
    private const string ComparePage = "() => location.pathname === '/compare' && location.search.includes('ids=')";

    /// <summary>
    /// Blazor navigates inside the page (history.pushState), so the test polls location in the page.
    /// Playwright's WaitForURL was seen to hang on such navigations, on a page already at the new URL.
    /// </summary>
    private static Task WaitForLocationAsync(IPage page, string predicate) =>
        page.WaitForFunctionAsync(predicate, null, new PageWaitForFunctionOptions { PollingInterval = 50 });

    /// <summary>
    /// Presses a start button once the form has settled (no preview on its way, the spec valid) and waits for
    /// the page it leads to. If that page does not come, the failure says what the form showed.
    /// </summary>
    private static async Task StartAndFollowAsync(IPage page, string button, string destination)
    {
        await page.WaitForSelectorAsync("#partition-preview[data-preview-pending='no']");
        await page.WaitForSelectorAsync("#form-valid");
        await page.ClickAsync(button);
        try
        {
            await WaitForLocationAsync(page, destination);
        }
        catch (TimeoutException ex)
        {
            await BrowserSession.ScreenshotAsync(page, "start-did-not-navigate");
            var text = await page.InnerTextAsync("body");
            throw new TimeoutException($"pressing {button} did not lead on within the timeout; the page ({page.Url}) shows: {text[..Math.Min(text.Length, 3000)]}", ex);
        }
    }

    private static async Task WaitForPreviewAsync(IPage page) =>
        await page.WaitForFunctionAsync("() => document.getElementById('chart-preview') && document.getElementById('chart-preview').data && document.getElementById('chart-preview').data.length > 0");

    private static async Task FillAsync(IPage page, string field, string value)
    {
        var input = page.Locator($"[data-field='{field}'] input").First;
        await input.FillAsync(value);
        await input.PressAsync("Tab");
        await page.WaitForFunctionAsync($"() => document.querySelector(\"[data-field='{field}'] input\") !== null");
    }

    private static async Task SelectAsync(IPage page, string field, string optionStartsWith)
    {
        await page.ClickAsync($"[data-field='{field}'] .mud-select");
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new LocatorFilterOptions { HasText = optionStartsWith }).First.ClickAsync();
        await page.WaitForSelectorAsync(".mud-popover-open", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
    }

    private static bool IsDark(string rgb)
    {
        var parts = rgb[(rgb.IndexOf('(') + 1)..rgb.IndexOf(')')].Split(',').Select(p => double.Parse(p.Trim(), CultureInfo.InvariantCulture)).ToArray();
        return 0.299 * parts[0] + 0.587 * parts[1] + 0.114 * parts[2] < 80;
    }
}
