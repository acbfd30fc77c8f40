namespace FedLab.Web.Hosting;

/// <summary>
/// Refuses state-changing requests that a browser sends on behalf of another site (CSRF), and WebSocket
/// connections opened by another site's page (WebSockets are not covered by CORS, so a page elsewhere could
/// otherwise drive the dashboard's circuit or hub from the user's browser). A page elsewhere can make the
/// browser POST a form or text/plain body to 127.0.0.1 without a CORS preflight; browsers label such
/// requests with Sec-Fetch-Site: cross-site and an Origin that is not this host. Scripts and tools send
/// neither header and pass. Also sets headers that keep the pages out of other sites' frames.
/// </summary>
public sealed class CrossSiteGuardMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        bool safe = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method);
        // The WebSocket feature is only added at the hub endpoints, after this middleware: look at the upgrade itself.
        bool webSocket = request.Headers.Upgrade.Any(u => string.Equals(u, "websocket", StringComparison.OrdinalIgnoreCase))
            || HttpMethods.IsConnect(request.Method);
        if (safe && !webSocket)
        {
            return next(context);
        }
        var site = request.Headers["Sec-Fetch-Site"].FirstOrDefault();
        var origin = request.Headers.Origin.FirstOrDefault();
        bool crossSite = string.Equals(site, "cross-site", StringComparison.OrdinalIgnoreCase)
            || (origin is not null && !SameOrigin(origin, request));
        if (!crossSite)
        {
            return next(context);
        }
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.Response.WriteAsJsonAsync(Api.ApiErrors.One("origin", "cross-site requests may not change anything here"));
    }

    private static bool SameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
}
