using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FedLab.Data;
using FedLab.Web.Diagnostics;
using FedLab.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace FedLab.Bench;

/// <summary>
/// Issue #6's dashboard figures, measured with the real app on 127.0.0.1 and headless Debian chromium:
/// 1. live latency: for each round of a run on the tiny model, the time from the engine's RoundFinished
///    timestamp (stored with the round) to the moment the round's point is in the run page's accuracy chart
///    (the page polls the Plotly trace length every 5 ms; browser and server share the system clock);
/// 2. first render of the run page for a stored synthetic run of 1,000 rounds x 100 clients: navigation
///    start to every chart drawn with all its data (performance.now() in the page), several loads;
/// 3. first render of the run list with 500 stored runs.
/// </summary>
internal static class DashboardBenchmark
{
    private const int LiveRounds = 30;
    private const int Loads = 5;

    public static void Run(TextWriter output) => RunAsync(output).GetAwaiter().GetResult();

    private static async Task RunAsync(TextWriter output)
    {
        if (!File.Exists("/usr/bin/chromium"))
        {
            output.WriteLine("chromium is missing at /usr/bin/chromium (apt-get install -y chromium); nothing measured");
            return;
        }
        var data = Directory.CreateTempSubdirectory("fedlab-dashboard-bench-").FullName;
        var app = FedLabWebApplication.Build(["--urls", "http://127.0.0.1:0", $"--FedLab:DataDirectory={data}", "--Logging:LogLevel:Default=Warning"],
            b => b.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        try
        {
            var baseUrl = app.BoundUrls().First().TrimEnd('/');
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl + "/") };
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
            output.WriteLine(Inv($"app at {baseUrl}; chromium {browser.Version}; {Environment.ProcessorCount} cores"));
            if (Environment.GetEnvironmentVariable("FEDLAB_BENCH_SKIP_LIVE") is null)
            {
                await LiveLatencyAsync(output, http, browser, baseUrl);
            }
            await FirstRenderAsync(output, app, browser, baseUrl);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task LiveLatencyAsync(TextWriter output, HttpClient http, IBrowser browser, string baseUrl)
    {
        var spec = $$"""
            { "name": "latency", "model": "tiny", "dataset": { "name": "spam", "maxTokens": 24, "trainLimit": 120, "testLimit": 40 },
              "partition": { "kind": "iid", "clients": 3 }, "framework": "fedllm", "fineTune": { "lora": { "rank": 2, "alpha": 4 } },
              "training": { "rounds": {{LiveRounds}}, "localSteps": 2, "batchSize": 8, "evalBatchSize": 20 }, "seed": 1 }
            """;
        var created = await http.PostAsync("api/runs", new StringContent(spec, Encoding.UTF8, "application/json"));
        var id = (await created.Content.ReadFromJsonAsync<JsonNode>())!["id"]!.GetValue<Guid>();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = baseUrl, ViewportSize = new ViewportSize { Width = 1500, Height = 1000 } });
        await page.GotoAsync($"/runs/{id}");
        await page.WaitForFunctionAsync("() => window.fedlab && document.getElementById('chart-accuracy') && fedlab.tracePoints('chart-accuracy') >= 1");
        // Stamp each new point when it appears; points already drawn at this moment are not measured.
        int baseline = await page.EvaluateAsync<int>(@"() => {
            window.__seen = {};
            window.__base = fedlab.tracePoints('chart-accuracy');
            window.__last = window.__base;
            setInterval(() => {
                const n = fedlab.tracePoints('chart-accuracy');
                for (let i = window.__last; i < n; i++) { window.__seen[i] = Date.now(); }
                window.__last = Math.max(window.__last, n);
            }, 5);
            return window.__base; }");
        JsonNode run;
        do
        {
            await Task.Delay(500);
            run = (await http.GetFromJsonAsync<JsonNode>($"api/runs/{id}?clientRounds=false"))!;
        }
        while (run["summary"]!["status"]!.GetValue<string>() is "queued" or "running");
        await page.WaitForTimeoutAsync(1000);
        var seen = await page.EvaluateAsync<Dictionary<string, double>>("() => window.__seen");
        var latencies = new List<double>();
        foreach (var round in run["rounds"]!.AsArray())
        {
            int r = round!["round"]!.GetValue<int>();
            if (r < baseline || !seen.TryGetValue(r.ToString(CultureInfo.InvariantCulture), out var shownAt))
            {
                continue;
            }
            var finishedAt = round["finishedAt"]!.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds();
            latencies.Add(shownAt - finishedAt);
        }
        latencies.Sort();
        output.WriteLine(Inv($"live latency, round end -> point in the accuracy chart: {latencies.Count} rounds measured of {LiveRounds + 1} (rounds 0..{LiveRounds}; the {baseline} drawn before the page was watching are not)"));
        if (latencies.Count > 0)
        {
            output.WriteLine(Inv($"  p50 {Percentile(latencies, 50):F0} ms, p95 {Percentile(latencies, 95):F0} ms, max {latencies[^1]:F0} ms, min {latencies[0]:F0} ms   (target p95 < 500 ms)"));
        }
        await page.CloseAsync();
    }

    private static async Task FirstRenderAsync(TextWriter output, WebApplication app, IBrowser browser, string baseUrl)
    {
        var store = app.Services.GetRequiredService<RunStore>();
        var recorders = app.Services.GetRequiredService<RunRecorderFactory>();
        var clock = Stopwatch.StartNew();
        var big = await SyntheticRun.RecordAsync(store, recorders, 1000, 100, "synthetic 1000 rounds x 100 clients", CancellationToken.None);
        output.WriteLine(Inv($"stored a synthetic run of 1,000 rounds x 100 clients through the recorder in {clock.Elapsed.TotalSeconds:F1} s"));

        const string runReady = @"() => {
            const drawn = id => { const el = document.getElementById(id); return el && el.data && el.data.length > 0; };
            return window.fedlab && fedlab.tracePoints('chart-accuracy') === 1001 && fedlab.tracePoints('chart-traffic') === 1001
                && fedlab.tracePoints('chart-heatmap') === 200 && drawn('chart-partition') && drawn('chart-loss') && drawn('chart-compute')
                && document.querySelectorAll('#client-table tbody tr').length > 0; }";
        var milestones = new Dictionary<string, List<double>>();
        var runTimes = await LoadTimesAsync(browser, baseUrl, $"/runs/{big}", runReady, milestones);
        output.WriteLine(Inv($"run page first render (1,000 rounds x 100 clients; navigation start to all charts drawn), {Loads} loads: median {Percentile(runTimes, 50):F0} ms, min {runTimes[0]:F0} ms, max {runTimes[^1]:F0} ms   (target < 1000 ms)"));
        output.WriteLine("  medians: " + string.Join(", ", milestones.Select(m => Inv($"{m.Key} {Percentile([.. m.Value.Order()], 50):F0} ms"))));

        clock.Restart();
        for (int i = 0; i < 500; i++)
        {
            await SyntheticRun.RecordAsync(store, recorders, 3, 2, $"listed run {i:D3}", CancellationToken.None);
        }
        output.WriteLine(Inv($"stored 500 more small runs in {clock.Elapsed.TotalSeconds:F1} s"));
        var listTimes = await LoadTimesAsync(browser, baseUrl, "/", "() => document.querySelectorAll('[data-run-link]').length === 25");
        output.WriteLine(Inv($"run list first render (501 runs, page of 25), {Loads} loads: median {Percentile(listTimes, 50):F0} ms, min {listTimes[0]:F0} ms, max {listTimes[^1]:F0} ms"));
    }

    /// <summary>
    /// performance.now() when the page is ready, for fresh browser contexts (no cache shared between loads); with
    /// <paramref name="milestones"/>, also when the page content, Plotly and each chart first appeared.
    /// </summary>
    private static async Task<List<double>> LoadTimesAsync(IBrowser browser, string baseUrl, string path, string ready, Dictionary<string, List<double>>? milestones = null)
    {
        const string watch = @"window.__marks = {}; setInterval(() => {
            const mark = (name, ok) => { if (ok && !(name in window.__marks)) window.__marks[name] = performance.now(); };
            mark('content', document.getElementById('run-name') !== null);
            mark('plotly', window.Plotly !== undefined);
            for (const id of ['chart-accuracy', 'chart-loss', 'chart-traffic', 'chart-compute', 'chart-partition']) {
                const el = document.getElementById(id); mark(id, el && el.data && el.data.length > 0);
            }
            mark('chart-heatmap', window.fedlab && fedlab.tracePoints('chart-heatmap') > 0);
        }, 5);";
        var times = new List<double>();
        for (int i = 0; i < Loads + 1; i++)
        {
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, ViewportSize = new ViewportSize { Width = 1500, Height = 1000 } });
            if (milestones is not null)
            {
                await context.AddInitScriptAsync(watch);
            }
            var page = await context.NewPageAsync();
            await page.GotoAsync(path);
            await page.WaitForFunctionAsync(ready, null, new PageWaitForFunctionOptions { PollingInterval = 10, Timeout = 60_000 });
            var at = await page.EvaluateAsync<double>("() => performance.now()");
            if (i == 0)
            {
                continue; // the first load warms the server (JIT, SQLite cache) and is not counted
            }
            times.Add(at);
            if (milestones is not null)
            {
                foreach (var (name, value) in await page.EvaluateAsync<Dictionary<string, double>>("() => window.__marks"))
                {
                    (milestones.TryGetValue(name, out var list) ? list : milestones[name] = []).Add(value);
                }
            }
        }
        times.Sort();
        return times;
    }

    private static double Percentile(List<double> sorted, double p)
    {
        double rank = p / 100 * (sorted.Count - 1);
        int lo = (int)Math.Floor(rank), hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
