using System.Text;

namespace FedLab.DataImport;

/// <summary>The header block of an RFC 822 message or MIME part, unfolded, plus its body.</summary>
internal sealed class MimeHeaders
{
    private readonly List<KeyValuePair<string, string>> _fields;

    private MimeHeaders(List<KeyValuePair<string, string>> fields) => _fields = fields;

    /// <summary>Splits <paramref name="raw"/> at the first blank line into headers and body.</summary>
    public static (MimeHeaders Headers, string Body) Parse(string raw)
    {
        string text = raw.Replace("\r\n", "\n", StringComparison.Ordinal);
        int end = text.IndexOf("\n\n", StringComparison.Ordinal);
        string head = end < 0 ? text : text[..end];
        string body = end < 0 ? "" : text[(end + 2)..];

        var fields = new List<KeyValuePair<string, string>>();
        string? name = null;
        var value = new StringBuilder();
        foreach (string line in head.Split('\n'))
        {
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t'))
            {
                if (name is not null)
                {
                    value.Append(' ').Append(line.Trim()); // continuation of a folded header
                }
                continue;
            }
            if (name is not null)
            {
                fields.Add(new(name, value.ToString().Trim()));
            }
            int colon = line.IndexOf(':');
            // Lines without a colon (e.g. the mbox "From " line) are not fields.
            name = colon > 0 && !line[..colon].Contains(' ', StringComparison.Ordinal) ? line[..colon] : null;
            value.Clear();
            if (name is not null)
            {
                value.Append(line[(colon + 1)..]);
            }
        }
        if (name is not null)
        {
            fields.Add(new(name, value.ToString().Trim()));
        }
        return (new MimeHeaders(fields), body);
    }

    public string? Get(string name)
    {
        foreach (var field in _fields)
        {
            if (string.Equals(field.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return field.Value;
            }
        }
        return null;
    }

    /// <summary>Media type (lower case) and parameters of Content-Type; RFC 2045 default is text/plain.</summary>
    public (string MediaType, IReadOnlyDictionary<string, string> Parameters) ContentType()
    {
        string? raw = Get("Content-Type");
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(raw))
        {
            return ("text/plain", parameters);
        }
        string[] pieces = SplitParameters(raw);
        // Only the first token: some messages omit the ';' before parameters ("TEXT/PLAIN charset=US-ASCII").
        string mediaType = pieces[0].Trim().Split([' ', '\t'], 2)[0].ToLowerInvariant();
        foreach (string piece in pieces.Skip(1))
        {
            int eq = piece.IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }
            string key = piece[..eq].Trim();
            string val = piece[(eq + 1)..].Trim().Trim('"');
            parameters.TryAdd(key, val);
        }
        return (mediaType.Length == 0 ? "text/plain" : mediaType, parameters);
    }

    public string TransferEncoding() => (Get("Content-Transfer-Encoding") ?? "7bit").Trim().ToLowerInvariant();

    public bool IsAttachment() =>
        (Get("Content-Disposition") ?? "").TrimStart().StartsWith("attachment", StringComparison.OrdinalIgnoreCase);

    // Semicolons inside quoted parameter values do not separate parameters.
    private static string[] SplitParameters(string raw)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        foreach (char ch in raw)
        {
            if (ch == '"')
            {
                quoted = !quoted;
            }
            if (ch == ';' && !quoted)
            {
                parts.Add(current.ToString());
                current.Clear();
                continue;
            }
            current.Append(ch);
        }
        parts.Add(current.ToString());
        return [.. parts];
    }
}
