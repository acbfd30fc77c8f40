using Bunit;
using FedLab.Engine.Runs;
using FedLab.Engine.Tasks;
using FedLab.Web.Components.Forms;
using FedLab.Web.Components.Pages;

namespace FedLab.Web.Tests.Components.Pages;

/// <summary>The run form's task selector: generative switches to the bundled question and a tiny decoder, and back.</summary>
public sealed class NewRunGenerativeTests
{
    [Fact]
    public async Task TheTaskSelector_SwitchesToAValidGenerativeSpec_AndBack()
    {
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<NewRun>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#form-valid")));

        await cut.InvokeAsync(() => cut.FindComponent<TaskPanel>().Instance.SetKindAsync("generative"));

        var draft = cut.Instance.Form.Draft;
        Assert.Equal("generative", draft.GetString("task.kind"));
        Assert.Equal("spam-yesno", draft.GetString("dataset.name"));
        Assert.Equal("tiny-llama", draft.GetString("model"));
        Assert.Contains("q_proj", draft.GetStrings("fineTune.lora.targets"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#form-valid")));
        Assert.Equal("generative", cut.Find("#task-panel").GetAttribute("data-task"));
        var spec = RunSpecJson.Parse(draft.ToJson());
        Assert.True(spec.IsGenerative());
        Assert.Empty(new RunSpecValidator(() => false).Validate(spec));

        // An encoder is refused at the model field, in plain words.
        await cut.InvokeAsync(() =>
        {
            cut.Instance.Form.Draft.SetString("model", "tiny");
            return cut.Instance.Form.Changed("model");
        });
        cut.WaitForAssertion(() => Assert.Contains("needs a decoder", cut.Find("#form-errors").TextContent, StringComparison.Ordinal));

        await cut.InvokeAsync(() => cut.FindComponent<TaskPanel>().Instance.SetKindAsync("classification"));
        Assert.Null(cut.Instance.Form.Draft.Get("task"));
        Assert.Equal("spam", cut.Instance.Form.Draft.GetString("dataset.name"));
    }
}
