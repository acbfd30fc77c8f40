using System.Text;

namespace FedLab.DataImport;

/// <summary>Content-Transfer-Encoding and charset decoding for one MIME body.</summary>
internal static class TransferDecoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static TransferDecoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Returns the body as text, or null when it cannot be decoded (broken base64).</summary>
    public static string? Decode(string body, string transferEncoding, string? charset)
    {
        switch (transferEncoding)
        {
            case "quoted-printable":
                return DecodeBytes(QuotedPrintableBytes(body), charset);
            case "base64":
                byte[]? bytes = Base64Bytes(body);
                return bytes is null ? null : DecodeBytes(bytes, charset);
            default:
                // The npm package already turned 7bit/8bit bodies into strings. A pure-ASCII body may still be in a
                // stateful charset such as ISO-2022-JP, so only those are re-decoded.
                return IsAscii(body) && charset is not null && charset.StartsWith("iso-2022", StringComparison.OrdinalIgnoreCase)
                    ? DecodeBytes(Encoding.Latin1.GetBytes(body), charset)
                    : body;
        }
    }

    public static byte[] QuotedPrintableBytes(string body)
    {
        var bytes = new List<byte>(body.Length);
        for (int i = 0; i < body.Length; i++)
        {
            char ch = body[i];
            if (ch == '=')
            {
                if (i + 1 < body.Length && body[i + 1] == '\n')
                {
                    i++; // soft line break
                    continue;
                }
                if (i + 2 < body.Length && body[i + 1] == '\r' && body[i + 2] == '\n')
                {
                    i += 2;
                    continue;
                }
                if (i + 2 < body.Length && IsHex(body[i + 1]) && IsHex(body[i + 2]))
                {
                    bytes.Add(Convert.ToByte(body.Substring(i + 1, 2), 16));
                    i += 2;
                    continue;
                }
            }
            AppendChar(bytes, ch); // RFC 2045 says keep malformed '=' sequences literally
        }
        return [.. bytes];
    }

    public static string DecodeBytes(byte[] bytes, string? charset)
    {
        Encoding? encoding = Lookup(charset);
        if (encoding is not null && encoding.CodePage != Encoding.ASCII.CodePage)
        {
            return encoding.GetString(bytes);
        }
        try
        {
            return StrictUtf8.GetString(bytes); // ASCII is a subset; undeclared 8-bit text is often UTF-8
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding(1252).GetString(bytes);
        }
    }

    private static Encoding? Lookup(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return null;
        }
        try
        {
            return Encoding.GetEncoding(charset.Trim());
        }
        catch (ArgumentException)
        {
            return null; // unknown names such as "CHINESEBIG5" fall back to UTF-8 / windows-1252
        }
    }

    private static byte[]? Base64Bytes(string body)
    {
        var compact = new StringBuilder(body.Length);
        foreach (char ch in body)
        {
            if (char.IsAsciiLetterOrDigit(ch) || ch is '+' or '/' or '=')
            {
                compact.Append(ch);
            }
        }
        // Trailing garbage after the padding is common in spam; keep only whole quanta.
        string text = compact.ToString();
        int padAt = text.IndexOf('=', StringComparison.Ordinal);
        if (padAt >= 0)
        {
            text = text[..padAt];
        }
        if (text.Length % 4 == 1)
        {
            text = text[..^1]; // a single leftover character carries no whole byte
        }
        text = text.PadRight((text.Length + 3) / 4 * 4, '=');
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static void AppendChar(List<byte> bytes, char ch)
    {
        if (ch < 256)
        {
            bytes.Add((byte)ch);
        }
        else
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(ch.ToString()));
        }
    }

    private static bool IsHex(char ch) => char.IsAsciiHexDigit(ch);

    private static bool IsAscii(string text)
    {
        foreach (char ch in text)
        {
            if (ch > 127)
            {
                return false;
            }
        }
        return true;
    }
}
