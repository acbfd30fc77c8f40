using FedLab.Web.Hosting;

namespace FedLab.Web.Tests.Hosting;

public sealed class FedLabSettingsValidatorTests
{
    private static IReadOnlyList<string> Problems(FedLabSettings settings) =>
        new FedLabSettingsValidator().Validate(null, settings).Failures?.ToList() ?? [];

    [Theory]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("http://localhost:5080")]
    [InlineData("http://[::1]:5080")]
    [InlineData("http://127.0.0.1:0;http://localhost:0")]
    public void Loopback_WithoutKey_IsFine(string urls) => Assert.Empty(Problems(new FedLabSettings { Urls = urls }));

    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://*:5080")]
    [InlineData("http://+:5080")]
    [InlineData("http://192.168.1.20:5080")]
    [InlineData("http://127.0.0.1:5080;http://[::]:5080")]
    public void BeyondLoopback_WithoutKey_IsRefused(string urls)
    {
        var problem = Assert.Single(Problems(new FedLabSettings { Urls = urls }));
        Assert.Contains("refusing to serve", problem, StringComparison.Ordinal);
        Assert.Contains("FedLab:AccessKey", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://evil.example")]
    [InlineData("dash.example:8080")]
    [InlineData("two words")]
    public void AllowedHosts_NotAHostName_IsRefused(string hosts)
    {
        var problem = Assert.Single(Problems(new FedLabSettings { AllowedHosts = hosts }));
        Assert.StartsWith("FedLab:AllowedHosts:", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void BeyondLoopback_WithKey_IsFine() =>
        Assert.Empty(Problems(new FedLabSettings { Urls = "http://0.0.0.0:5080", AccessKey = "a-long-enough-key" }));

    [Fact]
    public void EveryBadValue_IsReported()
    {
        var problems = Problems(new FedLabSettings
        {
            Urls = "ftp://x",
            MaxConcurrentRuns = 0,
            MaxUploadBytes = 0,
            MaxDatasetRows = 0,
            AccessKey = "short",
            EngineThreads = -1,
        });
        Assert.Equal(6, problems.Count);
        Assert.Contains(problems, p => p.Contains("MaxConcurrentRuns", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("at least 12 characters", StringComparison.Ordinal));
    }
}
