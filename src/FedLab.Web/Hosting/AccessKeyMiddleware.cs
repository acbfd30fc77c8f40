using Microsoft.Extensions.Options;

namespace FedLab.Web.Hosting;

/// <summary>
/// With an access key configured, every request but the login page must carry it (see <see cref="AccessKey"/>):
/// API and hub requests without it get 401, browser pages are sent to /login. Without a key it fails closed:
/// a request that arrived on a non-loopback local address (the app was bound beyond loopback by some setting
/// the start-up checks did not catch, or before they ran) gets 403.
/// </summary>
public sealed class AccessKeyMiddleware(RequestDelegate next, IOptions<FedLabSettings> settings)
{
    public Task InvokeAsync(HttpContext context)
    {
        var key = settings.Value.AccessKey;
        var path = context.Request.Path;
        if (string.IsNullOrEmpty(key) && !ListenAddresses.IsLoopback(context.Connection.LocalIpAddress))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            const string message = "this dashboard has no access key, so it answers on loopback (127.0.0.1) only; set FedLab:AccessKey to serve beyond it";
            if (IsMachinePath(path))
            {
                return context.Response.WriteAsJsonAsync(Api.ApiErrors.One("accessKey", message));
            }
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync(message);
        }
        if (string.IsNullOrEmpty(key) || path.StartsWithSegments(LoginEndpoints.Path, StringComparison.OrdinalIgnoreCase)
            || AccessKey.IsAuthorized(context.Request, key))
        {
            return next(context);
        }
        if (IsMachinePath(path))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return context.Response.WriteAsJsonAsync(Api.ApiErrors.One("accessKey", $"this dashboard needs its access key: send it in the {AccessKey.HeaderName} header"));
        }
        var returnUrl = context.Request.PathBase + path + context.Request.QueryString;
        context.Response.Redirect($"{LoginEndpoints.Path}?returnUrl={Uri.EscapeDataString(returnUrl)}");
        return Task.CompletedTask;
    }

    private static bool IsMachinePath(PathString path) =>
        path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(Api.ServiceEndpoints.HealthPath, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(AccessKey.HubPathPrefix, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/openapi", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/_blazor", StringComparison.OrdinalIgnoreCase);
}
