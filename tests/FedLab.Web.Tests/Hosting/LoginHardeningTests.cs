using System.Net;
using FedLab.Web.Hosting;
using FedLab.Web.Tests.Infrastructure;

namespace FedLab.Web.Tests.Hosting;

/// <summary>
/// Login (issue #10, item 6): only local return URLs (never a 500), and sign-in attempts rate-limited per
/// address (429 past the limit).
/// </summary>
public sealed class LoginHardeningTests
{
    private const string Key = "test-access-key-0123";

    private static HttpClient Client(TestApp app) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(app.BaseUrl) };

    [Theory]
    [InlineData("/runs?page=2", true)]
    [InlineData("/", true)]
    [InlineData("/\t/evil.example", false)]
    [InlineData("/\n/evil.example", false)]
    [InlineData("//evil.example", false)]
    [InlineData("/\\evil.example", false)]
    [InlineData("/runs\\..\\x", false)]
    [InlineData("https://evil.example/", false)]
    [InlineData("evil.example", false)]
    [InlineData("", false)]
    public void ReturnUrl_OnlyLocalPaths(string url, bool local) => Assert.Equal(local, LoginEndpoints.IsLocal(url));

    [Fact]
    public async Task SignIn_WithAHostileReturnUrl_GoesHome_Not500()
    {
        await using var app = await TestApp.StartAsync($"--FedLab:AccessKey={Key}");
        using var http = Client(app);
        foreach (var returnUrl in new[] { "/%09/evil.example", "/%0d%0a/evil.example", "%2F%5Cevil.example", "//evil.example", "https://evil.example" })
        {
            var response = await http.GetAsync($"/login?key={Key}&returnUrl={returnUrl}");
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{returnUrl}: {(int)response.StatusCode}");
            Assert.Equal("/", response.Headers.Location!.OriginalString);
        }
        var good = await http.GetAsync($"/login?key={Key}&returnUrl=%2Fruns%3Fpage%3D2");
        Assert.Equal("/runs?page=2", good.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task WrongKeys_Past10_Get429_EvenForTheRightKey()
    {
        await using var app = await TestApp.StartAsync($"--FedLab:AccessKey={Key}");
        using var http = Client(app);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync($"/login?key=wrong-key-{i:D4}")).StatusCode);
        }
        var limited = await http.GetAsync("/login?key=wrong-key-again");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Contains("too many sign-in attempts", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(limited.Headers.RetryAfter is not null, "Retry-After");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await http.GetAsync($"/login?key={Key}")).StatusCode);
        // The form itself (no key) and the API with the key are not limited.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/login")).StatusCode);
        var api = new HttpRequestMessage(HttpMethod.Get, "/api/runs");
        api.Headers.Add(AccessKey.HeaderName, Key);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(api)).StatusCode);
    }

    [Fact]
    public async Task AfterTheWindow_TheRightKeyWorksAgain()
    {
        await using var app = await TestApp.StartAsync($"--FedLab:AccessKey={Key}", "--FedLab:MaxLoginAttempts=2", "--FedLab:LoginAttemptWindowSeconds=1");
        using var http = Client(app);
        // Until one is refused (a window may end in the middle of the loop, so do not count on the exact attempt).
        await Eventually.WaitAsync(() => http.GetAsync("/login?key=wrong-key-wrong"), r => r.StatusCode == HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(30), "a 429");
        await Eventually.WaitAsync(() => http.GetAsync($"/login?key={Key}"), r => r.StatusCode == HttpStatusCode.Redirect, TimeSpan.FromSeconds(30), "the right key to work again");
    }
}
