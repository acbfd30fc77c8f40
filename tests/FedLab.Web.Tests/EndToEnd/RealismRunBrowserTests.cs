using System.Globalization;
using System.Text.Json.Nodes;
using FedLab.Engine.Federation.Availability;
using FedLab.Engine.Federation.Privacy;
using FedLab.Tests.Shared;
using FedLab.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace FedLab.Web.Tests.EndToEnd;

/// <summary>
/// The run page of a tiny run with dropouts and DP, in headless chromium: the privacy chart shows ε after every round
/// (the accountant's values) against the budget, and the client × round heatmap paints exactly the dropped cells in
/// the dropped colour, lists the kind in its legend and says why on hover. Screenshot under screenshots/.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Browser)]
public sealed class RealismRunBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Rounds = 4;
    private const int Clients = 5;
    private const int Seed = 5;
    private const double Dropout = 0.4;
    private const double Budget = 50;

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
    public async Task DropoutAndDp_ShowEpsilonPerRoundAgainstTheBudget_AndTheHeatmapMarksTheDroppedCells()
    {
        var spec = JsonNode.Parse(TinySpecs.Json(rounds: Rounds, clients: Clients, name: "realism browser", seed: Seed, localSteps: 1))!.AsObject();
        spec["availability"] = new JsonObject { ["dropout"] = Dropout };
        spec["privacy"] = new JsonObject { ["noiseMultiplier"] = 1.0, ["clipNorm"] = 1.0, ["delta"] = 1e-5, ["epsilonBudget"] = Budget };
        var id = await _app.Http.CreateRunAsync(spec.ToJsonString());
        await _app.Http.WaitForStatusAsync(id, "finished", TimeSpan.FromSeconds(240));

        var dropped = Enumerable.Range(1, Rounds)
            .SelectMany(r => Enumerable.Range(0, Clients).Where(c => AvailabilityPlan.IsDropped(Seed, Dropout, r, c)).Select(c => (Round: r, Client: c)))
            .ToList();
        Assert.NotEmpty(dropped);

        var page = await _browser.NewPageAsync(_app.BaseUrl);
        await page.GotoAsync($"/runs/{id}");

        // ε per round against the budget: every client of a round is selected (q = 1), z = 1, δ = 1e-5.
        await page.WaitForFunctionAsync("() => { const el = document.getElementById('chart-privacy'); return el && el.data && el.data.length >= 2; }");
        var epsilon = await TraceAsync(page, "ε");
        var budget = await TraceAsync(page, "ε budget");
        Assert.Equal(Rounds, epsilon.Count);
        for (int r = 1; r <= Rounds; r++)
        {
            Assert.Equal(RdpAccountant.Epsilon(1.0, 1.0, r, 1e-5), epsilon[r - 1], 3);
        }
        Assert.True(epsilon.Zip(epsilon.Skip(1)).All(p => p.First < p.Second), "ε grows with every round");
        Assert.All(budget, b => Assert.Equal(Budget, b));

        // The heatmap: exactly the dropped cells are marked, with kind "dropped", painted in the dropped colour.
        await page.WaitForFunctionAsync($"() => {{ const el = document.getElementById('chart-heatmap'); return el && el.__heatmap && el.__heatmap.rows.length === {Rounds}; }}");
        var marked = await page.EvaluateAsync<int[][]>("""
            () => document.getElementById('chart-heatmap').__heatmap.rows.flatMap(r => (r.kinds || []).map((k, c) => k ? [r.round, c, k === 'dropped' ? 1 : 0] : null).filter(x => x))
            """);
        Assert.Equal(dropped.Order(), marked.Select(m => (m[0], m[1])).Order());
        Assert.All(marked, m => Assert.Equal(1, m[2]));

        var canvas = page.Locator("#chart-heatmap canvas");
        await canvas.ScrollIntoViewIfNeededAsync();
        var (round, client) = dropped[0];
        var cell = await page.EvaluateAsync<double[]>("""
            ([row, client]) => {
              const el = document.getElementById('chart-heatmap'), g = fedlab.heatmap.geometry(el), h = el.__heatmap;
              const x = g.left + (client + 0.5) * g.plotW / g.clients, y = g.top + g.plotH - (row + 0.5) * g.plotH / g.rows;
              const ratio = window.devicePixelRatio || 1, px = h.canvas.getContext('2d').getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data;
              const box = h.canvas.getBoundingClientRect();
              return [box.left + x, box.top + y, px[0], px[1], px[2]];
            }
            """, new object[] { round - 1, client });
        Assert.Equal([0x8d, 0x99, 0xae], cell.Skip(2).Select(v => (int)v)); // the dropped colour, #8d99ae

        await Assertions.Expect(page.Locator("[data-legend='chart-heatmap'] [data-kind='dropped']")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("[data-legend='chart-heatmap'] [data-kind='late']").CountAsync());

        await page.Mouse.MoveAsync((float)cell[0], (float)cell[1]);
        await Assertions.Expect(page.Locator("#chart-heatmap .fedlab-heatmap-tip")).ToContainTextAsync(
            string.Create(CultureInfo.InvariantCulture, $"client {client}, round {round}: dropped: dropped out"));
        await BrowserSession.ScreenshotAsync(page, "realism-run");
    }

    /// <summary>The non-null y values of the privacy chart's trace named <paramref name="name"/>, in round order.</summary>
    private static async Task<List<double>> TraceAsync(IPage page, string name)
    {
        var values = await page.EvaluateAsync<double?[]>(
            "name => (document.getElementById('chart-privacy').data.find(t => t.name === name) || { y: [] }).y", name);
        return [.. values.OfType<double>()];
    }
}
