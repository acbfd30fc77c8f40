using System.Net;

namespace FedLab.Web.Hosting;

/// <summary>The URLs the dashboard binds, and whether each is reachable only from this machine.</summary>
public static class ListenAddresses
{
    public static IReadOnlyList<string> Split(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// Loopback hosts: 127.0.0.0/8, ::1 and "localhost". Wildcards (*, +, 0.0.0.0, [::]) and any other name
    /// or address are reachable from elsewhere.
    /// </summary>
    public static bool IsLoopback(string url)
    {
        // Kestrel accepts "*" and "+" hosts, which Uri does not parse; they mean every interface.
        var normalised = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalised, UriKind.Absolute, out var uri))
        {
            return false;
        }
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>The addresses among <paramref name="urls"/> that are reachable from other machines.</summary>
    public static IReadOnlyList<string> Exposed(IEnumerable<string> urls) => [.. urls.Where(u => !IsLoopback(u))];

    /// <summary>
    /// Whether a connection's local address (the address the request arrived on) is loopback; an IPv4 address
    /// mapped into IPv6 (a dual-mode [::] socket) counts as its IPv4 self. Unknown (null) is not loopback.
    /// </summary>
    public static bool IsLoopback(IPAddress? local) =>
        local is not null && IPAddress.IsLoopback(local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local);

    /// <summary>A problem with one URL, or null when it can be bound.</summary>
    public static string? Problem(string url)
    {
        var normalised = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalised, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return $"'{url}' is not an http:// or https:// URL";
        }
        return uri.AbsolutePath is "/" or "" ? null : $"'{url}' has a path; give scheme, host and port only";
    }
}
