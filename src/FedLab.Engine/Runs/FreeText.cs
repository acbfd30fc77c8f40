namespace FedLab.Engine.Runs;

/// <summary>
/// Free text in a spec (its name, the dataset path and the other strings) must not hold control characters:
/// C0 (U+0000-U+001F, including NUL, tab and line breaks), DEL (U+007F) and C1 (U+0080-U+009F). Printed on a
/// terminal they are commands (clear the screen, set the window title, fake lines of output), and they have
/// no business in a label or a path.
/// </summary>
public static class FreeText
{
    public static bool IsControl(char c) => c < 0x20 || (c >= 0x7F && c <= 0x9F);

    /// <summary>Index of the first control character in <paramref name="text"/>, or -1 (also for null).</summary>
    public static int FindControlCharacter(string? text)
    {
        if (text is null)
        {
            return -1;
        }
        for (int i = 0; i < text.Length; i++)
        {
            if (IsControl(text[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>One error per free-text field of <paramref name="spec"/> that holds a control character.</summary>
    public static IReadOnlyList<SpecError> Validate(RunSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<SpecError>();
        void Check(string? text, string field)
        {
            int at = FindControlCharacter(text);
            if (at >= 0)
            {
                errors.Add(new SpecError(field, $"must not contain control characters (found U+{(int)text![at]:X4} at position {at + 1})"));
            }
        }
        Check(spec.Name, "name");
        Check(spec.Model, "model");
        Check(spec.Dataset?.Name, "dataset.name");
        Check(spec.Device, "device");
        if (spec.FineTune?.Lora?.Targets is { } targets)
        {
            for (int i = 0; i < targets.Count; i++)
            {
                Check(targets[i], $"fineTune.lora.targets[{i}]");
            }
        }
        return errors;
    }
}
