using System.Security.Cryptography;
using System.Text;

namespace FedLab.Web.Hosting;

/// <summary>
/// How a request proves it knows the access key: the X-FedLab-Key header, "Authorization: Bearer key", an
/// access_token query parameter (what SignalR's JavaScript client sends for WebSockets, hub paths only) or
/// the cookie set by /login. The cookie holds a hash of the key, not the key. Comparisons take constant time.
/// </summary>
public static class AccessKey
{
    public const string HeaderName = "X-FedLab-Key";
    public const string CookieName = "FedLab.Key";
    public const string HubPathPrefix = "/hubs";

    public static string CookieValue(string key) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("fedlab-dashboard-session:" + key)));

    public static bool Matches(string? candidate, string expected) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(expected));

    public static bool IsAuthorized(HttpRequest request, string key)
    {
        if (Matches(request.Headers[HeaderName].FirstOrDefault(), key))
        {
            return true;
        }
        var authorization = request.Headers.Authorization.FirstOrDefault();
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && Matches(authorization["Bearer ".Length..].Trim(), key))
        {
            return true;
        }
        if (request.Path.StartsWithSegments(HubPathPrefix, StringComparison.OrdinalIgnoreCase)
            && Matches(request.Query["access_token"].FirstOrDefault(), key))
        {
            return true;
        }
        return Matches(request.Cookies[CookieName], CookieValue(key));
    }
}
