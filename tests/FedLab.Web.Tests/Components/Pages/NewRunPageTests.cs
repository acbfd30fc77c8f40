using FedLab.Web.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Bunit;
using FedLab.Web.Components.Pages;

namespace FedLab.Web.Tests.Components.Pages;

/// <summary>The New run form validates with the engine's validator and shows each message at its field.</summary>
public sealed class NewRunPageTests
{
    [Fact]
    public async Task BadValue_ShowsTheValidatorsMessageAtTheField_AndBlocksStart()
    {
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<NewRun>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#form-valid")));
        Assert.False(cut.Find("#start-run").HasAttribute("disabled"));

        cut.Find("[data-field='partition.clients'] input").Change("0");

        cut.WaitForAssertion(() =>
        {
            var field = cut.Find("[data-field='partition.clients']");
            Assert.Contains("must be between 1 and 1000, got 0", field.TextContent, StringComparison.Ordinal);
        });
        Assert.Contains("partition.clients", cut.Find("#form-errors").TextContent, StringComparison.Ordinal);
        Assert.True(cut.Find("#start-run").HasAttribute("disabled"));

        cut.Find("[data-field='partition.clients'] input").Change("3");
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#form-valid")));
    }

    [Fact]
    public async Task FrameworkOptions_ShowOnlyForTheChosenFramework_FromItsType()
    {
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<NewRun>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-options-for='fedllm']")));
        // Generated from FedLlmOptions: every property is a field.
        foreach (var field in (string[])["fedLlm.proxMu", "fedLlm.serverOptimizer", "fedLlm.serverLearningRate"])
        {
            Assert.NotNull(cut.Find($"[data-field='{field}']"));
        }

        await cut.InvokeAsync(() =>
        {
            cut.Instance.Form.Draft.SetString("framework", "centralized");
            return cut.Instance.Form.Changed("framework");
        });

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-options-for='fedllm']")));
        Assert.DoesNotContain("\"fedLlm\"", cut.Instance.Form.Draft.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StrictParsing_ReachesTheForm_ALocalStepsFractionIsAnError()
    {
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<NewRun>();
        cut.Find("[data-field='training.localSteps'] input").Change("2.5");
        cut.WaitForAssertion(() => Assert.Contains("must be a whole number", cut.Find("[data-field='training.localSteps']").TextContent, StringComparison.Ordinal));
    }
}

/// <summary>Forking from the run page: the kept rounds are offered, and the form starts with the fork section filled in.</summary>
public sealed class ForkFromRunPageTests
{
    [Fact]
    public async Task TheRunPageOffersItsKeptRounds_AndTheFormForksFromTheChosenOne_AndChecksItIsKept()
    {
        await using var ctx = new DashboardTestContext();
        var spec = SyntheticRun.Spec(rounds: 4, clients: 3, name: "parent");
        var id = await ctx.Store.CreateRunAsync(spec, null, CancellationToken.None);
        var recorder = ctx.Recorders.Create(id);
        foreach (var e in SyntheticRun.Events(id, spec, stopAfter: 4))
        {
            recorder.Publish(e);
        }
        // Kept round files, as the recorder leaves them for a run with checkpoints.keepEvery = 2.
        var settings = ctx.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FedLabSettings>>().Value;
        Directory.CreateDirectory(settings.CheckpointDirectory);
        foreach (int round in (int[])[2, 4])
        {
            File.WriteAllBytes(Path.Combine(settings.CheckpointDirectory, Data.RunCheckpointFiles.RoundFileName(id, round)), [0]);
        }

        var page = ctx.Render<Web.Components.Pages.RunDetail>(p => p.Add(c => c.RunId, id));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#fork-run")));

        ctx.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo($"/runs/new?clone={id}&fork=2");
        var form = ctx.Render<NewRun>();
        form.WaitForAssertion(() => Assert.NotNull(form.Find("#fork-note")));
        Assert.Contains("\"fork\"", form.Instance.Form.Draft.ToJson(), StringComparison.Ordinal);
        Assert.Equal(2, form.Instance.Form.Draft.GetNumber("fork.round"));
        form.WaitForAssertion(() => Assert.NotNull(form.Find("#form-valid")));

        // A round that is not kept is an error at fork.round, naming the kept ones.
        await form.InvokeAsync(() =>
        {
            form.Instance.Form.Draft.SetNumber("fork.round", 3);
            return form.Instance.Form.Changed("fork.round");
        });
        form.WaitForAssertion(() => Assert.Contains("keeps no checkpoint of round 3; it keeps rounds 2, 4", form.Find("#form-errors").TextContent, StringComparison.Ordinal));
    }
}
