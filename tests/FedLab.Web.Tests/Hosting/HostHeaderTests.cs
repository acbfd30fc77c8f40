using System.Net;
using System.Net.Sockets;
using System.Text;
using FedLab.Web.Tests.Infrastructure;

namespace FedLab.Web.Tests.Hosting;

/// <summary>
/// DNS rebinding (issue #10, item 2): a request naming another host in its Host header is refused on pages, API,
/// hub and WebSocket upgrades, unless the name is loopback or listed in FedLab:AllowedHosts, or a key protects a
/// dashboard bound beyond loopback.
/// </summary>
public sealed class HostHeaderTests
{
    private const string Key = "test-access-key-0123";
    private const string Evil = "attacker.example:5316";

    private static HttpRequestMessage Request(HttpMethod method, string path, string host, string? origin = null, string? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Host = host;
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        return request;
    }

    /// <summary>The status line of a WebSocket upgrade sent by hand (so the Host and Origin headers are exactly these).</summary>
    private static async Task<int> UpgradeStatusAsync(int port, string path, string host)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var stream = tcp.GetStream();
        var request = $"GET {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var status = await reader.ReadLineAsync() ?? "";
        return int.Parse(status.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int Port(TestApp app) => new Uri(app.BaseUrl).Port;

    [Fact]
    public async Task OtherHostName_OnLoopback_IsRefusedEverywhere()
    {
        await using var app = await TestApp.StartAsync();
        var http = app.Http;

        var get = await http.SendAsync(Request(HttpMethod.Get, "api/runs", Evil));
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.Contains("FedLab:AllowedHosts", await get.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(Request(HttpMethod.Post, "api/runs", Evil, "http://" + Evil, TinySpecs.Json(name: "rebinding")))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(Request(HttpMethod.Get, "/", Evil))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(Request(HttpMethod.Post, "hubs/runs/negotiate?negotiateVersion=1", Evil, "http://" + Evil))).StatusCode);
        Assert.Equal(400, await UpgradeStatusAsync(Port(app), "/hubs/runs", Evil));
        Assert.Equal(400, await UpgradeStatusAsync(Port(app), "/_blazor", Evil));
        Assert.Empty((await (await http.GetAsync("api/runs?text=rebinding")).JsonAsync())["items"]!.AsArray());

        // Loopback names pass, with and without a port.
        foreach (var host in new[] { $"127.0.0.1:{Port(app)}", $"localhost:{Port(app)}", $"[::1]:{Port(app)}", "127.0.0.2", "LOCALHOST" })
        {
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Request(HttpMethod.Get, "api/runs", host))).StatusCode);
        }
        Assert.Equal(101, await UpgradeStatusAsync(Port(app), "/hubs/runs", $"127.0.0.1:{Port(app)}"));
    }

    [Fact]
    public async Task AllowedHosts_AddsNames()
    {
        await using var app = await TestApp.StartAsync("--FedLab:AllowedHosts=dash.lab.example;*.farm.example");
        foreach (var host in new[] { "dash.lab.example:8080", "node1.farm.example" })
        {
            Assert.Equal(HttpStatusCode.OK, (await app.Http.SendAsync(Request(HttpMethod.Get, "api/runs", host))).StatusCode);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Http.SendAsync(Request(HttpMethod.Get, "api/runs", "farm.example.evil.example"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Http.SendAsync(Request(HttpMethod.Get, "api/runs", Evil))).StatusCode);
    }

    [Fact]
    public async Task WithKey_BeyondLoopback_AnyName_ButTheKeyIsStillRequired()
    {
        await using var app = await TestApp.StartAsync("--urls", "http://0.0.0.0:0", $"--FedLab:AccessKey={Key}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port(app)}/") };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(Request(HttpMethod.Get, "api/runs", "dashboard.lan:5080"))).StatusCode);
        var keyed = Request(HttpMethod.Get, "api/runs", "dashboard.lan:5080");
        keyed.Headers.Add("X-FedLab-Key", Key);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(keyed)).StatusCode);
    }

    [Fact]
    public async Task WithKey_OnLoopbackOnly_OtherNames_AreStillRefused()
    {
        await using var app = await TestApp.StartAsync($"--FedLab:AccessKey={Key}");
        var keyed = Request(HttpMethod.Get, "api/runs", Evil);
        keyed.Headers.Add("X-FedLab-Key", Key);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Http.SendAsync(keyed)).StatusCode);
    }
}
