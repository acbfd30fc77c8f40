using FedLab.Engine.Runs;

namespace FedLab.Web.Cli;

/// <summary>
/// Makes text from the database or a file safe to print on a terminal: control characters (C0, DEL, C1; see
/// <see cref="FreeText"/>) become visible symbols, so a stored run name such as "evil\u001b[2J" cannot clear
/// the screen, set the window title or fake lines of output. Validation refuses such names now; runs stored
/// before (or written to the database by something else) still print safely.
/// </summary>
internal static class TerminalText
{
    /// <summary>
    /// Every control character replaced: C0 by its Control Pictures symbol (U+241B for ESC, U+2400 for NUL), DEL
    /// by U+2421, C1 by U+FFFD. With <paramref name="keepLineBreaks"/>, '\n' and '\t' stay (for whole lines of output).
    /// </summary>
    public static string Safe(string? text, bool keepLineBreaks = false)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }
        int first = -1;
        for (int i = 0; i < text.Length; i++)
        {
            if (NeedsReplacing(text[i], keepLineBreaks))
            {
                first = i;
                break;
            }
        }
        if (first < 0)
        {
            return text;
        }
        return string.Create(text.Length, (text, keepLineBreaks), static (span, state) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = Visible(state.text[i], state.keepLineBreaks);
            }
        });
    }

    public static char Visible(char c, bool keepLineBreaks) => !NeedsReplacing(c, keepLineBreaks) ? c
        : c < 0x20 ? (char)(0x2400 + c)
        : c == 0x7F ? '\u2421'
        : '\uFFFD';

    private static bool NeedsReplacing(char c, bool keepLineBreaks) =>
        FreeText.IsControl(c) && !(keepLineBreaks && c is '\n' or '\t');
}
