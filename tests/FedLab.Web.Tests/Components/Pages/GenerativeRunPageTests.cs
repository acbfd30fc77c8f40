using Bunit;
using FedLab.Engine.Runs;
using FedLab.Engine.Tasks;
using FedLab.Engine.Tasks.Generative;
using FedLab.Web.Components.Pages;
using FedLab.Web.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace FedLab.Web.Tests.Components.Pages;

/// <summary>
/// Issue 14: a generative run's page shows test loss, perplexity and exact match live (under that name, not
/// "accuracy"), and the compare page places it beside an encoder run with "–" where a column does not apply.
/// </summary>
public sealed class GenerativeRunPageTests
{
    private static RunSpec GenerativeSpec(string name) => SyntheticRun.Spec(rounds: 3, clients: 2, name: name) with
    {
        Model = "tiny-llama",
        Dataset = new DatasetSpec { Name = InstructionDatasets.SpamYesNo, MaxTokens = 128 },
        Task = new TaskSpec { Kind = TaskKind.Generative },
        FineTune = new FineTuneSpec { Lora = new LoraSpec { Targets = ["q_proj", "v_proj"] } },
    };

    /// <summary>A generative run's events: exact match as accuracy, no macro-F1, and the named generative metrics.</summary>
    private static IEnumerable<RunEvent> Events(Guid id, RunSpec spec)
    {
        var at = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var info = new RunInfo("cpu", "tiny-llama", 100_000, 2_000, 8_000, 40, 10, 4, ["no", "yes"], [[10, 10], [12, 8]], "test");
        yield return new RunStarted(id, at, spec, info, 0);
        double[] exact = [0.0, 0.25, 0.625, 0.75];
        double[] loss = [5.6, 2.1, 0.628, 0.4];
        var none = new Dictionary<PayloadKind, long>();
        for (int round = 0; round < exact.Length; round++)
        {
            var extra = EvaluationExtras.For(new EvalMetrics(exact[round], double.NaN, loss[round], 10), null, null, generative: true);
            var bytes = new Dictionary<PayloadKind, long> { [PayloadKind.Parameters] = round == 0 ? 0 : 8_000 };
            if (round > 0)
            {
                for (int c = 0; c < 2; c++)
                {
                    yield return new ClientRoundFinished(id, at, new ClientRoundMetrics(round, c, 20, 2, loss[round] + 0.1, 8_000, 8_000, bytes, bytes, 1e9, 0.1));
                }
            }
            var metrics = new RoundMetrics(round, new EvalMetrics(exact[round], double.NaN, loss[round], 10), round == 0 ? 0 : 2, round == 0 ? 0 : 16_000, round == 0 ? 0 : 16_000,
                round == 0 ? none : bytes, round == 0 ? none : bytes, round == 0 ? 0 : 2e9, 0.2, 0.01, 0.1, 0.4, round == 0 ? null : loss[round] + 0.1, Extra: extra);
            yield return new RoundFinished(id, at.AddSeconds(round), metrics, 3, null);
        }
        yield return new RunFinished(id, at.AddSeconds(5), 0.75, 0.75, 5);
    }

    [Fact]
    public async Task TheRunPage_ShowsExactMatch_Perplexity_AndTestLoss_Live()
    {
        await using var ctx = new DashboardTestContext();
        var spec = GenerativeSpec("generative page");
        var id = await ctx.Store.CreateRunAsync(spec, null, CancellationToken.None);
        var recorder = ctx.Recorders.Create(id);
        var events = Events(id, spec).ToList();
        int live = events.FindIndex(e => e is RoundFinished { Metrics.Round: 2 });
        foreach (var e in events.Take(live))
        {
            recorder.Publish(e);
        }
        var cut = ctx.Render<RunDetail>(p => p.Add(c => c.RunId, id));
        cut.WaitForAssertion(() => Assert.Contains(ctx.Calls("newPlot"), c => Equals(c.Arguments[0], "chart-perplexity")), TimeSpan.FromSeconds(5));
        Assert.Contains("25.0 %", cut.Find("#stat-exact-match").TextContent, StringComparison.Ordinal);
        Assert.Contains("test exact match", cut.Find("#stat-best").TextContent, StringComparison.Ordinal);

        foreach (var e in events.Skip(live))
        {
            recorder.Publish(e);
            ctx.Broadcaster.Publish(e);
        }

        // Round 3 arrives live: the stats follow, and the perplexity chart is extended, not redrawn.
        cut.WaitForAssertion(() => Assert.Contains("75.0 %", cut.Find("#stat-exact-match").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        Assert.Contains(Math.Exp(0.4).ToString("F3", System.Globalization.CultureInfo.InvariantCulture), cut.Find("#stat-perplexity").TextContent, StringComparison.Ordinal);
        Assert.Contains("0.4000", cut.Find("#stat-test-loss").TextContent, StringComparison.Ordinal);
        Assert.Contains("round 3", cut.Find("#stat-perplexity").TextContent, StringComparison.Ordinal);
        Assert.Contains(ctx.Calls("extendTraces"), c => Equals(c.Arguments[0], "chart-perplexity"));
        Assert.DoesNotContain("macro-F1", cut.Find("#chart-accuracy").ParentElement!.ParentElement!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheComparePage_PlacesAGenerativeRun_BesideAnEncoderRun()
    {
        await using var ctx = new DashboardTestContext();
        var encoder = await SyntheticRun.RecordAsync(ctx.Store, ctx.Recorders, 3, 2, "encoder", CancellationToken.None);
        var spec = GenerativeSpec("generative");
        var generative = await ctx.Store.CreateRunAsync(spec, null, CancellationToken.None);
        var recorder = ctx.Recorders.Create(generative);
        foreach (var e in Events(generative, spec))
        {
            recorder.Publish(e);
        }

        ctx.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo($"/compare?ids={encoder},{generative}");
        var cut = ctx.Render<Compare>();
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("#compare-table tbody tr").Count), TimeSpan.FromSeconds(5));
        var generativeRow = cut.FindAll("#compare-table tbody tr").Single(r => r.TextContent.Contains("generative", StringComparison.Ordinal) && !r.TextContent.Contains("encoder", StringComparison.Ordinal));
        var encoderRow = cut.FindAll("#compare-table tbody tr").Single(r => r != generativeRow);
        var cells = generativeRow.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();

        // The generative run: exact match and perplexity in their columns, "–" under accuracy, macro-F1, balanced acc., AUPRC.
        Assert.Equal("75.0 %", generativeRow.QuerySelector($"[data-exact-match='{generative}']")!.TextContent.Trim());
        Assert.Equal(Math.Exp(0.4).ToString("F3", System.Globalization.CultureInfo.InvariantCulture), generativeRow.QuerySelector($"[data-perplexity='{generative}']")!.TextContent.Trim());
        Assert.StartsWith("–", cells[4], StringComparison.Ordinal);
        Assert.Equal(["–", "–", "–", "–"], cells[5..9]);
        // The encoder run: "–" under the generative columns, its accuracy where it was.
        Assert.Equal("–", encoderRow.QuerySelector($"[data-exact-match='{encoder}']")!.TextContent.Trim());
        Assert.Equal("–", encoderRow.QuerySelector($"[data-perplexity='{encoder}']")!.TextContent.Trim());
        Assert.EndsWith("%", encoderRow.QuerySelectorAll("td")[5].TextContent.Trim(), StringComparison.Ordinal);
    }
}
