using System.Net;
using FedLab.Web.Hubs;
using FedLab.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;

namespace FedLab.Web.Tests.Hosting;

/// <summary>The access key (UI, API, hub), the public-binding refusal, the cross-site guard and the login form's antiforgery.</summary>
public sealed class SafetyTests
{
    private const string Key = "test-access-key-0123";

    [Fact]
    public async Task PublicBinding_WithoutKey_RefusesToStart()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestApp.StartAsync("--urls", "http://0.0.0.0:0"));
        Assert.Contains("refusing to serve on http://0.0.0.0:0 without an access key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithKey_ApiHubAndPages_RequireIt()
    {
        await using var app = await TestApp.StartAsync($"--FedLab:AccessKey={Key}");
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(app.BaseUrl) };

        var api = await anonymous.GetAsync("/api/runs");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Contains("X-FedLab-Key", (await api.JsonAsync()).Errors().Single().Message, StringComparison.Ordinal);
        var page = await anonymous.GetAsync("/runs");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login?returnUrl=", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/hubs/runs/negotiate?negotiateVersion=1", null)).StatusCode);

        var withHeader = new HttpRequestMessage(HttpMethod.Get, "/api/runs");
        withHeader.Headers.Add("X-FedLab-Key", Key);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(withHeader)).StatusCode);
        var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/runs");
        wrong.Headers.Add("X-FedLab-Key", Key + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(wrong)).StatusCode);

        // ?key= login sets an HttpOnly cookie that opens the pages.
        var login = await anonymous.GetAsync($"/login?key={Key}&returnUrl=/runs");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("FedLab.Key=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Key, cookie, StringComparison.Ordinal);
        var withCookie = new HttpRequestMessage(HttpMethod.Get, "/runs");
        withCookie.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(withCookie)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/login?key=wrong-key-wrong")).StatusCode);

        // The hub: refused without the key, works with it (as the JavaScript client sends it: access_token).
        await using var refused = new HubConnectionBuilder().WithUrl(app.BaseUrl + RunHub.Path).Build();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => refused.StartAsync());
        await using var hub = new HubConnectionBuilder().WithUrl(app.BaseUrl + RunHub.Path, o => o.AccessTokenProvider = () => Task.FromResult<string?>(Key)).Build();
        await hub.StartAsync();
        await hub.InvokeAsync("JoinAll");
    }

    [Fact]
    public async Task LoginForm_WithoutAntiforgeryToken_IsRejected()
    {
        await using var app = await TestApp.StartAsync($"--FedLab:AccessKey={Key}");
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(app.BaseUrl) };
        var form = await http.GetStringAsync("/login");
        Assert.Contains("__RequestVerificationToken", form, StringComparison.Ordinal);

        var post = await http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = Key }));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.False(post.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("FedLab.Key=", StringComparison.Ordinal)));

        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var ok = await http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = Key, ["__RequestVerificationToken"] = token, ["returnUrl"] = "/" }));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
    }

    [Fact]
    public async Task CrossSitePost_IsRefused_SameOriginAndToolsPass()
    {
        await using var app = await TestApp.StartAsync();
        var evil = new HttpRequestMessage(HttpMethod.Post, "api/runs/validate") { Content = new StringContent(TinySpecs.Json(), System.Text.Encoding.UTF8, "application/json") };
        evil.Headers.Add("Origin", "http://evil.example");
        var refused = await app.Http.SendAsync(evil);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var fetchMetadata = new HttpRequestMessage(HttpMethod.Post, "api/runs/validate") { Content = new StringContent(TinySpecs.Json(), System.Text.Encoding.UTF8, "application/json") };
        fetchMetadata.Headers.Add("Sec-Fetch-Site", "cross-site");
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Http.SendAsync(fetchMetadata)).StatusCode);

        var same = new HttpRequestMessage(HttpMethod.Post, "api/runs/validate") { Content = new StringContent(TinySpecs.Json(), System.Text.Encoding.UTF8, "application/json") };
        same.Headers.Add("Origin", app.BaseUrl);
        Assert.Equal(HttpStatusCode.OK, (await app.Http.SendAsync(same)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Http.PostJsonAsync("api/runs/validate", TinySpecs.Json())).StatusCode);
    }
}
