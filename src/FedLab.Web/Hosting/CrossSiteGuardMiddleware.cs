namespace FedLab.Web.Hosting;

/// <summary>
/// Refuses state-changing requests that a browser sends on behalf of another site (CSRF). A page elsewhere
/// can make the user's browser POST a form or text/plain body to 127.0.0.1 without a CORS preflight; browsers
/// label such requests with Sec-Fetch-Site: cross-site and an Origin that is not this host. Scripts and
/// tools send neither header and pass. Blazor's own forms carry antiforgery tokens besides.
/// </summary>
public sealed class CrossSiteGuardMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
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
