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
