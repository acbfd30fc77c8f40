using Bunit;
using FedLab.Web.Components.Pages;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using MudBlazor.Extensions;

namespace FedLab.Web.Tests.Components.Pages;

/// <summary>
/// Issue 12's walk: a refused upload used to stay chosen in the file control (shown as attached, and the same file,
/// fixed, could not be chosen again); an accepted one is listed by its own file name, and the same content is one entry.
/// </summary>
public sealed class NewRunUploadTests
{
    private static string Csv(string header) =>
        header + "\n" + string.Concat(Enumerable.Range(0, 40).Select(i => i % 2 == 0 ? $"cheap pills {i},spam\n" : $"meeting notes {i},ham\n"));

    [Fact]
    public async Task RefusedFile_IsNotKeptChosen_AcceptedFile_IsListedByName_OncePerContent()
    {
        await using var ctx = new DashboardTestContext();
        var cut = ctx.Render<NewRun>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#form-valid")), TimeSpan.FromSeconds(30));
        var upload = cut.FindComponent<MudFileUpload<IBrowserFile>>();

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Csv("text,comment"), "news.csv"));
        cut.WaitForAssertion(() => Assert.Contains("missing column 'label'", cut.Find("#upload-message").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        cut.WaitForAssertion(() => Assert.Null(upload.Instance.GetState(x => x.Files)), TimeSpan.FromSeconds(10));

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Csv("text,label"), "news.csv"));
        cut.WaitForAssertion(() => Assert.Contains("40 rows", cut.Find("#upload-message").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        cut.WaitForAssertion(() => Assert.Null(upload.Instance.GetState(x => x.Files)), TimeSpan.FromSeconds(10));

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Csv("text,label"), "news (1).csv"));
        cut.WaitForAssertion(() => Assert.Contains("already uploaded as news.csv", cut.Find("#upload-message").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        // The field holds the portable reference; what it shows is the user's file name, listed once.
        Assert.Matches("^upload:[0-9a-f]{16}/news\\.csv$", cut.Find("[data-field='dataset.name'] input").GetAttribute("value") ?? "");
        Assert.Contains("news.csv (uploaded)", cut.Find("[data-field='dataset.name']").InnerHtml, StringComparison.Ordinal);
        Assert.DoesNotContain(ctx.DataDirectory, cut.Markup, StringComparison.Ordinal);
    }
}
