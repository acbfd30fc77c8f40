using System.Text;

namespace FedLab.DataImport;

/// <summary>
/// Reduces a raw RFC 822 message to what a reader sees: the decoded Subject and the readable body. The routing
/// headers are dropped because a model that reads only 128 tokens would otherwise see nothing but headers.
/// </summary>
internal static class EmailText
{
    private const int MaxDepth = 8;

    public static (string Subject, string Body) Extract(string raw)
    {
        var (headers, body) = MimeHeaders.Parse(raw);
        string subject = EncodedWords.Decode(headers.Get("Subject") ?? "");
        return (subject, ExtractPart(headers, body, 0));
    }

    private static string ExtractPart(MimeHeaders headers, string body, int depth)
    {
        var (mediaType, parameters) = headers.ContentType();
        if (depth > MaxDepth)
        {
            return "";
        }
        if (mediaType.StartsWith("multipart/", StringComparison.Ordinal)
            && parameters.TryGetValue("boundary", out string? boundary) && boundary.Length > 0)
        {
            var all = SplitMultipart(body, boundary).Select(MimeHeaders.Parse).ToList();
            if (all.Count == 0)
            {
                return LooseText(body); // no delimiter line at all: read the body as one text
            }
            var parts = all.Where(p => !p.Headers.IsAttachment()).ToList();
            if (mediaType == "multipart/alternative")
            {
                // Alternatives carry the same message; the plain one needs no markup stripping, but spam often
                // sends an empty plain part beside the real HTML one, so the first non-empty one wins.
                return parts
                    .OrderBy(p => p.Headers.ContentType().MediaType == "text/plain" ? 0 : 1)
                    .Select(p => ExtractPart(p.Headers, p.Body, depth + 1))
                    .FirstOrDefault(t => t.Trim().Length > 0) ?? "";
            }
            var texts = parts.Select(p => ExtractPart(p.Headers, p.Body, depth + 1)).Where(t => t.Length > 0);
            return string.Join("\n", texts);
        }
        if (mediaType == "message/rfc822")
        {
            var (inner, innerBody) = MimeHeaders.Parse(body);
            return ExtractPart(inner, innerBody, depth + 1);
        }
        bool html = mediaType == "text/html";
        if (!html && mediaType != "text/plain" && !mediaType.StartsWith("multipart/", StringComparison.Ordinal))
        {
            return ""; // images, signatures, octet streams
        }
        parameters.TryGetValue("charset", out string? charset);
        string? decoded = TransferDecoding.Decode(body, headers.TransferEncoding(), charset);
        if (decoded is null)
        {
            return "";
        }
        // Some messages say text/plain but carry HTML (common in spam).
        return html ? HtmlText.ToText(decoded) : LooseText(decoded);
    }

    private static IEnumerable<string> SplitMultipart(string body, string boundary)
    {
        // Compared without blanks: some spam declares "=Multipart Boundary" but writes "--= Multipart Boundary".
        string open = WithoutBlanks("--" + boundary);
        var current = new StringBuilder();
        bool inPart = false;
        foreach (string line in body.Split('\n'))
        {
            string trimmed = WithoutBlanks(line);
            if (trimmed == open || trimmed == open + "--")
            {
                if (inPart)
                {
                    yield return current.ToString();
                }
                current.Clear();
                inPart = trimmed == open;
                if (!inPart)
                {
                    yield break; // closing delimiter: the epilogue is not content
                }
                continue;
            }
            if (inPart)
            {
                current.Append(line).Append('\n');
            }
        }
        if (inPart)
        {
            yield return current.ToString(); // unterminated last part
        }
    }

    private static string WithoutBlanks(string line) =>
        line.Replace(" ", "", StringComparison.Ordinal).Replace("\t", "", StringComparison.Ordinal).TrimEnd('\r');

    private static string LooseText(string body) => LooksLikeHtml(body) ? HtmlText.ToText(body) : body;

    private static bool LooksLikeHtml(string text)
    {
        string head = text.Length > 2000 ? text[..2000] : text;
        return head.Contains("<html", StringComparison.OrdinalIgnoreCase)
            || head.Contains("<body", StringComparison.OrdinalIgnoreCase)
            || head.Contains("<table", StringComparison.OrdinalIgnoreCase);
    }
}
