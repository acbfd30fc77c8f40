using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace FedLab.Web.Hosting;

/// <summary>
/// /login: a plain form (with an antiforgery token) that trades the access key for an HttpOnly cookie, and
/// /login?key=... for links. Only used when an access key is configured. Attempts that carry a key are
/// rate-limited per client address (ASP.NET's rate limiter, FedLab:MaxLoginAttempts per
/// FedLab:LoginAttemptWindowSeconds), so the key cannot be guessed at speed; the return URL must be local.
/// </summary>
public static class LoginEndpoints
{
    public const string Path = "/login";
    public const string RateLimitPolicy = "login";

    /// <summary>
    /// The "login" policy: a fixed window per remote address over the requests that try a key (the plain form
    /// and its redirects are free). Past the limit every attempt gets 429, the right key too, so guessing
    /// cannot go on behind the limit; a user signs in once per browser (a 30-day cookie).
    /// </summary>
    public static void AddRateLimit(RateLimiterOptions options, FedLabSettings settings)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.AddPolicy(RateLimitPolicy, context =>
        {
            bool attempt = HttpMethods.IsPost(context.Request.Method) || context.Request.Query.ContainsKey("key");
            if (!attempt)
            {
                return RateLimitPartition.GetNoLimiter("form");
            }
            return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = settings.MaxLoginAttempts,
                Window = TimeSpan.FromSeconds(settings.LoginAttemptWindowSeconds),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        options.OnRejected = (context, ct) =>
        {
            var response = context.HttpContext.Response;
            if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            {
                response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            response.ContentType = "text/plain; charset=utf-8";
            return new ValueTask(response.WriteAsync("too many sign-in attempts from this address; wait a minute and try again", ct));
        };
    }

    public static IEndpointRouteBuilder MapLogin(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (HttpContext context, IAntiforgery antiforgery, IOptions<FedLabSettings> settings, string? key, string? returnUrl) =>
        {
            var expected = settings.Value.AccessKey;
            if (string.IsNullOrEmpty(expected))
            {
                return Results.Redirect("/");
            }
            if (key is not null)
            {
                return AccessKey.Matches(key, expected)
                    ? SignIn(context, expected, returnUrl)
                    : Form(context, antiforgery, returnUrl, "That key is not right.", StatusCodes.Status401Unauthorized);
            }
            return Form(context, antiforgery, returnUrl, null, StatusCodes.Status200OK);
        }).ExcludeFromDescription().RequireRateLimiting(RateLimitPolicy);

        // Binding [FromForm] makes ASP.NET validate the antiforgery token (app.UseAntiforgery()).
        app.MapPost(Path, (HttpContext context, IAntiforgery antiforgery, IOptions<FedLabSettings> settings, [FromForm] string? key, [FromForm] string? returnUrl) =>
        {
            var expected = settings.Value.AccessKey;
            if (string.IsNullOrEmpty(expected))
            {
                return Results.Redirect("/");
            }
            return AccessKey.Matches(key, expected)
                ? SignIn(context, expected, returnUrl)
                : Form(context, antiforgery, returnUrl, "That key is not right.", StatusCodes.Status401Unauthorized);
        }).ExcludeFromDescription().RequireRateLimiting(RateLimitPolicy);
        return app;
    }

    private static IResult SignIn(HttpContext context, string key, string? returnUrl)
    {
        context.Response.Cookies.Append(AccessKey.CookieName, AccessKey.CookieValue(key), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            IsEssential = true,
            MaxAge = TimeSpan.FromDays(30),
        });
        return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
    }

    /// <summary>
    /// A path on this site: starts with one '/' (not "//" or "/\\", which browsers read as another host), and
    /// no control character (a tab or line break is dropped by browsers, so "/\t/evil.example" is "//evil.example")
    /// and no backslash anywhere. Stricter than Url.IsLocalUrl, so Results.LocalRedirect never refuses it.
    /// </summary>
    internal static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || url[1] is not ('/' or '\\'))
        && !url.Any(c => char.IsControl(c) || c == '\\');

    private static IResult Form(HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? error, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        var message = error is null ? "" : $"<p class=\"error\">{WebUtility.HtmlEncode(error)}</p>";
        var html = $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>FedLab: access key</title>
            <style>body{font-family:system-ui,sans-serif;display:flex;justify-content:center;margin-top:15vh;background:#f5f5f7}
            form{background:#fff;padding:2rem;border-radius:8px;box-shadow:0 2px 8px #0002;min-width:320px}
            input{width:100%;padding:.5rem;margin:.5rem 0 1rem;box-sizing:border-box}.error{color:#b00020}</style></head>
            <body><form method="post" action="{{Path}}">
            <h2>FedLab</h2><p>This dashboard is protected by an access key.</p>{{message}}
            <label for="key">Access key</label><input id="key" name="key" type="password" autofocus autocomplete="current-password">
            <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(returnUrl ?? "/")}}">
            <input type="hidden" name="{{tokens.FormFieldName}}" value="{{tokens.RequestToken}}">
            <button type="submit">Sign in</button></form></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
