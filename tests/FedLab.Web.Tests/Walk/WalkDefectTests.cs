using System.Text.Json;
using Bunit;
using FedLab.Web.Tests.Components;
using FedLab.Engine.Runs;
using FedLab.Web.Components.Pages;
using FedLab.Web.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace FedLab.Web.Tests.Walk;

/// <summary>Defects of the first-use walk outside the charts, each with the test that shows it fixed.</summary>
public sealed class WalkDefectTests
{
    [Fact]
    public void SpecPanel_ShowsNonAsciiCharactersAsThemselves()
    {
        var text = RunDetail.FormatSpec("""{"name":"spam \u00B7 FedLLM","seed":1}""");
        Assert.Contains("spam · FedLLM", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00B7", text, StringComparison.Ordinal);
    }

    [Fact]
    public void RunStatus_IsLowerCaseInTheCliOutput_AsInTheApi()
    {
        Assert.Equal("\"finished\"", JsonSerializer.Serialize(RunStatus.Finished, RunSpecJson.OutputOptions));
        Assert.Equal("\"cancelled\"", JsonSerializer.Serialize(RunStatus.Cancelled, RunSpecJson.OutputOptions));
    }

    [Fact]
    public void StoredSpec_CarriesOnlyItsOwnFrameworksSection_AndParsesBackTheSame()
    {
        var spec = SyntheticRun.Spec(rounds: 2, clients: 2, name: "fedllm");
        var stored = RunSpecJson.SerializeStored(spec);
        using (var doc = JsonDocument.Parse(stored))
        {
            Assert.True(doc.RootElement.TryGetProperty("fedLlm", out _));
            Assert.False(doc.RootElement.TryGetProperty("kd", out _));
            Assert.False(doc.RootElement.TryGetProperty("split", out _));
        }
        Assert.Equal(RunSpecJson.Serialize(spec), RunSpecJson.Serialize(RunSpecJson.Parse(stored)));
        var kd = spec with { Framework = "kd" };
        using var kdDoc = JsonDocument.Parse(RunSpecJson.SerializeStored(kd));
        Assert.True(kdDoc.RootElement.TryGetProperty("kd", out _));
        Assert.False(kdDoc.RootElement.TryGetProperty("fedLlm", out _));
    }

    [Fact]
    public async Task AStoredRunsSpec_HasNoOtherFrameworksSections()
    {
        await using var ctx = new DashboardTestContext();
        var id = await ctx.Store.CreateRunAsync(SyntheticRun.Spec(rounds: 2, clients: 2, name: "fedllm"), null, CancellationToken.None);
        var detail = await ctx.Store.GetRunAsync(id, CancellationToken.None);
        Assert.DoesNotContain("\"kd\"", detail!.SpecJson, StringComparison.Ordinal);
        Assert.DoesNotContain("\"split\"", detail.SpecJson, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"clients\": 2.5", "partition.clients", "must be a whole number")]
    [InlineData("\"clients\": \"3\"", "partition.clients", "must be a whole number")]
    [InlineData("\"clients\": 3, \"alpha\": \"x\"", "partition.alpha", "must be a number")]
    [InlineData("\"clients\": 3, \"kind\": \"ring\"", "partition.kind", "must be one of iid, dirichlet, shards")]
    public void WrongTypes_SayWhatTheFieldNeeds(string partition, string field, string message)
    {
        var json = RunSpecJson.Serialize(SyntheticRun.Spec(rounds: 2, clients: 3, name: "x"));
        var doc = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        doc["partition"] = System.Text.Json.Nodes.JsonNode.Parse("{ \"kind\": \"iid\", " + partition.Replace("\"kind\": \"iid\", ", "", StringComparison.Ordinal) + " }");
        var error = Assert.Single(Assert.Throws<RunSpecException>(() => RunSpecJson.Parse(doc.ToJsonString())).Errors);
        Assert.Equal(field, error.Field);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_SaysHowToChangeThePort()
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot(), "README.md"));
        Assert.Contains("-- --urls http://127.0.0.1:", readme, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompareTable_RunColumnShowsTheRunsName_NotTheFramework()
    {
        await using var ctx = new DashboardTestContext();
        var a = await SyntheticRun.RecordAsync(ctx.Store, ctx.Recorders, 3, 2, "cmp · spam · FedLLM", CancellationToken.None);
        var b = await SyntheticRun.RecordAsync(ctx.Store, ctx.Recorders, 3, 2, "cmp · spam · KD-FedLLM", CancellationToken.None);
        ctx.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo($"/compare?ids={a},{b}");
        var cut = ctx.Render<Compare>();
        cut.WaitForAssertion(() => Assert.Equal("cmp · spam · FedLLM", cut.Find($"[data-run-name='{a}']").TextContent.Trim()), TimeSpan.FromSeconds(5));
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FedLab.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
