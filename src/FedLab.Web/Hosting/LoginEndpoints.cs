using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace FedLab.Web.Hosting;

/// <summary>
/// /login: a plain form (with an antiforgery token) that trades the access key for an HttpOnly cookie, and
/// /login?key=... for links. Only used when an access key is configured.
/// </summary>
public static class LoginEndpoints
{
    public const string Path = "/login";

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
        }).ExcludeFromDescription();

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
        }).ExcludeFromDescription();
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

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);

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
