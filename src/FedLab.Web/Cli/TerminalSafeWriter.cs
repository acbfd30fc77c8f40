namespace FedLab.Web.Cli;

/// <summary>
/// Wraps the CLI's stdout/stderr so that nothing printed carries terminal control sequences: every write goes
/// through <see cref="TerminalText"/> (line breaks and tabs kept; the printers also pass single values such as
/// run names through <see cref="TerminalText.Safe"/>, which replaces those too). The line terminator is the
/// inner writer's own.
/// </summary>
internal sealed class TerminalSafeWriter(TextWriter inner) : TextWriter
{
    public override System.Text.Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine
    {
        get => inner.NewLine;
        set => inner.NewLine = value;
    }

    public override void Write(char value) => inner.Write(TerminalText.Visible(value, keepLineBreaks: true));

    public override void Write(string? value) => inner.Write(TerminalText.Safe(value, keepLineBreaks: true));

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer) => Write(new string(buffer));

    public override void WriteLine() => inner.WriteLine();

    public override void WriteLine(string? value) => inner.WriteLine(TerminalText.Safe(value, keepLineBreaks: true));

    public override void Flush() => inner.Flush();

    public override Task FlushAsync() => inner.FlushAsync();

    public override Task WriteAsync(string? value) => inner.WriteAsync(TerminalText.Safe(value, keepLineBreaks: true));

    public override Task WriteLineAsync(string? value) => inner.WriteLineAsync(TerminalText.Safe(value, keepLineBreaks: true));

    public override Task WriteAsync(char value) => inner.WriteAsync(TerminalText.Visible(value, keepLineBreaks: true));

    public override Task WriteLineAsync() => inner.WriteLineAsync();
}
