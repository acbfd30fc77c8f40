using System.Text;

namespace FedLab.DataImport;

/// <summary>Normalisation shared by both imports.</summary>
internal static class TextCleaning
{
    /// <summary>
    /// Drops control characters (and U+FFFD left by the npm package's lossy decoding), turns overstrikes
    /// ("_\bX", used by fortune files for underline/bold) into the struck character, and collapses every run of
    /// whitespace to one space.
    /// </summary>
    public static string Normalise(string text)
    {
        var sb = new StringBuilder(text.Length);
        bool pendingSpace = false;
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            if (i + 1 < text.Length && text[i + 1] == '\b')
            {
                i++; // skip the character and the backspace; the next character is the one that stays visible
                continue;
            }
            if (char.IsWhiteSpace(ch))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }
            if (char.IsControl(ch) || ch == '\uFFFD' || ch == '\uFEFF' || char.IsSurrogate(ch) && !IsValidPair(text, i))
            {
                continue;
            }
            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }
            sb.Append(ch);
        }
        return sb.ToString();
    }

    /// <summary>Cuts at a word boundary at or before <paramref name="maxChars"/>, never inside a surrogate pair.</summary>
    public static string Truncate(string text, int maxChars)
    {
        if (text.Length <= maxChars)
        {
            return text;
        }
        int cut = text.LastIndexOf(' ', maxChars);
        if (cut < maxChars * 2 / 3)
        {
            cut = char.IsHighSurrogate(text[maxChars - 1]) ? maxChars - 1 : maxChars;
        }
        return text[..cut].TrimEnd();
    }

    private static bool IsValidPair(string text, int i) =>
        char.IsHighSurrogate(text[i])
            ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
            : i > 0 && char.IsHighSurrogate(text[i - 1]);
}
