using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace FedLab.Web.Hosting;

/// <summary>
/// Refuses (400, plain text) requests whose Host header names something other than a loopback name
/// (localhost, 127.0.0.0/8, [::1]) or a name listed in FedLab:AllowedHosts. This defeats DNS rebinding: a page
/// on attacker.example whose name is re-pointed at 127.0.0.1 reaches the dashboard as a same-origin page, so
/// the cross-site guard does not see it, but its requests still say "Host: attacker.example". It runs first,
/// so it covers pages, the API, the hub and the WebSocket upgrades of the hub and of the Blazor circuit.
/// <para>
/// With an access key AND a bind beyond loopback, any name is accepted. Such a dashboard is reached by
/// addresses and names this process cannot know (a LAN IP, a DNS or mDNS name, a reverse proxy), and DNS
/// rebinding gains nothing there: every request must carry the key, a rebinding page does not know it, and
/// the browser does not send the login cookie to the attacker's origin. (Requiring AllowedHosts as well would
/// mostly produce "why 400" reports; it remains available to narrow the names.) Without a key the dashboard
/// is loopback-only, and there the Host check is the defence.
/// </para>
/// </summary>
public sealed class HostGuardMiddleware(RequestDelegate next, IOptions<FedLabSettings> settings, IServer server)
{
    private readonly string[] _allowed = ListenAddresses.Split(settings.Value.AllowedHosts ?? "").Select(h => h.ToLowerInvariant()).ToArray();
    private int _anyHost; // 0 = not known yet, 1 = yes, 2 = no

    public Task InvokeAsync(HttpContext context)
    {
        var host = context.Request.Host;
        if (IsLoopbackName(host.Host) || IsListed(host.Host) || AnyHost())
        {
            return next(context);
        }
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(
            "this dashboard does not answer to that host name (Host header); use 127.0.0.1 or localhost, or add the name to FedLab:AllowedHosts");
    }

    public static bool IsLoopbackName(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        // HostString.Host keeps the brackets of an IPv6 literal.
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        return IPAddress.TryParse(literal, out var address) && ListenAddresses.IsLoopback(address);
    }

    private bool IsListed(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }
        foreach (var allowed in _allowed)
        {
            if (allowed == "*" || string.Equals(allowed, host, StringComparison.OrdinalIgnoreCase)
                || (allowed.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(allowed[1..], StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Key configured and bound beyond loopback (the bound addresses are fixed once requests arrive).</summary>
    private bool AnyHost()
    {
        if (string.IsNullOrEmpty(settings.Value.AccessKey))
        {
            return false;
        }
        int known = Volatile.Read(ref _anyHost);
        if (known != 0)
        {
            return known == 1;
        }
        var bound = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        bool any = ListenAddresses.Exposed(bound).Count > 0;
        if (bound.Count > 0)
        {
            Volatile.Write(ref _anyHost, any ? 1 : 2);
        }
        return any;
    }
}
