using Bunit;
using FedLab.Data.Studies;
using FedLab.Web.Components.Pages;
using FedLab.Web.Diagnostics;
using StudiesPage = FedLab.Web.Components.Pages.Studies;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace FedLab.Web.Tests.Components.Pages;

/// <summary>
/// The study form: a study starts from a stored run's spec (the run page's Study button), takes its frameworks, axes,
/// seeds and target from fields, names a mistake at its field without creating anything, and queues the study.
/// </summary>
public sealed class StudiesPageTests
{
    [Fact]
    public async Task StudyFromARun_FormErrorsCreateNothing_ThenTheStudyIsQueued()
    {
        await using var ctx = new DashboardTestContext();
        var spec = SyntheticRun.Spec(rounds: 2, clients: 2, name: "base run") with { Model = "tiny4" };
        var runId = await ctx.Store.CreateRunAsync(spec, null, CancellationToken.None);
        var studies = ctx.Services.GetRequiredService<StudyStore>();

        var nav = ctx.Services.GetRequiredService<NavigationManager>();
        nav.NavigateTo(nav.GetUriWithQueryParameter("base", runId.ToString()));
        var cut = ctx.Render<StudiesPage>();
        cut.WaitForAssertion(() => Assert.Equal("Study of base run", cut.Find("#study-name").GetAttribute("value")), TimeSpan.FromSeconds(10));
        Assert.Contains("\"model\": \"tiny4\"", (cut.Find("#study-base").GetAttribute("value") ?? cut.Find("#study-base").TextContent), StringComparison.Ordinal);

        // Tick SplitFed, add a cut-layer axis from its chip, and write a seed that is not an integer.
        cut.Find("[data-framework='split']").Change(true);
        cut.Find("[data-add-axis='split.cutLayer']").Click();
        cut.Find("input[data-axis-values='1']").Change("1, 2");
        cut.Find("#study-seeds").Change("1, x");
        cut.Find("#create-study-form").Click();
        cut.WaitForAssertion(() => Assert.Contains("'x' is not an integer seed", cut.Find("#study-errors").TextContent, StringComparison.Ordinal));
        Assert.Empty(await studies.ListAsync(CancellationToken.None));

        // An axis value the validator refuses is named with its value; still nothing is created.
        cut.Find("#study-seeds").Change("1, 2");
        cut.Find("input[data-axis-values='1']").Change("1, 9");
        cut.Find("#create-study-form").Click();
        cut.WaitForAssertion(() => Assert.Contains("cutLayer", cut.Find("#study-errors").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Empty(await studies.ListAsync(CancellationToken.None));

        cut.Find("input[data-axis-values='1']").Change("1, 2");
        cut.Find("#create-study-form").Click();
        cut.WaitForAssertion(() => Assert.Contains("/studies/", nav.Uri, StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        var row = Assert.Single(await studies.ListAsync(CancellationToken.None));
        // fedllm: 2 alphas x 2 seeds; split: 2 alphas x 2 cut layers x 2 seeds.
        Assert.Equal(2 * 2 + 2 * 2 * 2, row.Total);
    }
}
