using System.Net;
using FedLab.Tests.Shared;
using FedLab.Web.Hosting;
using FedLab.Web.Tests.Cli;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace FedLab.Web.Tests.Hosting;

/// <summary>
/// The access-key rule holds whatever bound the address (issue #10, item 1): the check looks at the addresses
/// Kestrel actually bound after start, and the key middleware itself refuses non-loopback requests without a key.
/// </summary>
[Trait(TestCategories.Key, TestCategories.Process)]
public sealed class BoundAddressTests
{
    [Fact]
    public async Task KestrelEndpointSetting_BeyondLoopback_WithoutKey_StopsWithMessage()
    {
        // Kestrel's own configuration overrides FedLab:Urls/--urls, so the settings validator never sees it.
        using var app = new CliProcess(new Dictionary<string, string>
        {
            ["Kestrel__Endpoints__Http__Url"] = "http://0.0.0.0:0",
            ["FEDLAB__ACCESSKEY"] = "",
        });
        int exit = await app.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(2, exit);
        Assert.Contains("FedLab cannot start:", app.Stderr, StringComparison.Ordinal);
        Assert.Contains("refusing to serve on http://0.0.0.0:", app.Stderr, StringComparison.Ordinal);
        Assert.Contains("FedLab:AccessKey", app.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", app.Stderr + app.Stdout, StringComparison.Ordinal); // no stack trace
    }

    [Theory]
    [InlineData("192.168.1.20", "/api/runs")]
    [InlineData("10.0.0.7", "/runs")]
    [InlineData("::", "/hubs/runs/negotiate")]
    [InlineData(null, "/api/runs")]
    public async Task Middleware_WithoutKey_RefusesNonLoopbackLocalAddress(string? local, string path)
    {
        bool passed = false;
        var middleware = new AccessKeyMiddleware(_ => { passed = true; return Task.CompletedTask; }, Options.Create(new FedLabSettings()));
        var context = new DefaultHttpContext();
        context.Connection.LocalIpAddress = local is null ? null : IPAddress.Parse(local);
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();

        await middleware.InvokeAsync(context);

        Assert.False(passed);
        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        Assert.Contains("loopback", new StreamReader(context.Response.Body).ReadToEnd(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.3.4.5")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public async Task Middleware_WithoutKey_ServesLoopback(string local)
    {
        bool passed = false;
        var middleware = new AccessKeyMiddleware(_ => { passed = true; return Task.CompletedTask; }, Options.Create(new FedLabSettings()));
        var context = new DefaultHttpContext();
        context.Connection.LocalIpAddress = IPAddress.Parse(local);
        context.Request.Path = "/api/runs";

        await middleware.InvokeAsync(context);

        Assert.True(passed);
    }
}
