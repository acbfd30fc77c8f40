using Bunit;
using FedLab.Engine.Models;
using FedLab.Tests.Shared;
using FedLab.Web.Components.Pages;

namespace FedLab.Web.Tests.Components.Pages;

/// <summary>The run form lists local Hugging Face folders registered under FedLab:Models and offers their family's LoRA targets.</summary>
public sealed class NewRunDecoderTests
{
    [Fact]
    public async Task ARegisteredFolder_IsListed_AndChoosingItSwitchesTheLoraTargets()
    {
        ModelCatalog.RegisterFolder("tiny-llama-form", TinyDecoders.Folder(TinyDecoders.Llama));
        try
        {
            await using var ctx = new DashboardTestContext();
            var cut = ctx.Render<NewRun>();
            cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#form-valid")));

            await cut.InvokeAsync(() =>
            {
                cut.Instance.Form.Draft.SetString("model", "tiny-llama-form");
                return cut.Instance.Form.Changed("model");
            });

            // query/value are BERT's names: the form keeps none of them and takes the decoder's q_proj and v_proj.
            cut.WaitForAssertion(() => Assert.Equal(["q_proj", "v_proj"], cut.Instance.Form.Draft.GetStrings("fineTune.lora.targets")));
            cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#form-valid")));
            var markup = cut.Markup;
            Assert.Contains("tiny-llama-form: local folder", markup, StringComparison.Ordinal);
        }
        finally
        {
            ModelCatalog.UnregisterFolder("tiny-llama-form");
        }
    }
}
