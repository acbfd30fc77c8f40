using System.Net;
using System.Text.RegularExpressions;

namespace FedLab.DataImport;

/// <summary>Turns an HTML body into the text a reader would see (roughly: no markup, no scripts or styles).</summary>
internal static partial class HtmlText
{
    public static string ToText(string html)
    {
        string text = Invisible().Replace(html, " ");
        text = Comment().Replace(text, " ");
        text = Tag().Replace(text, " "); // a space, so words in adjacent cells do not run together
        return WebUtility.HtmlDecode(text);
    }

    [GeneratedRegex(@"<(script|style|head)\b[^>]*>.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Invisible();

    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"<[!/?]?[a-zA-Z][^>]*>|<!--|-->", RegexOptions.Singleline)]
    private static partial Regex Tag();
}
