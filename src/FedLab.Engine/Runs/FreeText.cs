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

    /// <summary>The longest identifier a spec may give (model, device, framework, a LoRA target, a KD client model).</summary>
    public const int MaxIdentifierChars = 200;

    /// <summary>A value as an error message quotes it: at most 60 characters, so a 1 MB string is not echoed back.</summary>
    public static string Shown(string? text) =>
        text is null ? "" : text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "…");

    /// <summary>
    /// One error per free-text field of <paramref name="spec"/> that holds a control character, and per identifier
    /// longer than <see cref="MaxIdentifierChars"/> (the name and the dataset path have their own limits).
    /// </summary>
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
        void Identifier(string? text, string field)
        {
            if (text is { Length: > MaxIdentifierChars })
            {
                errors.Add(new SpecError(field, $"must be at most {MaxIdentifierChars} characters, got {text.Length}"));
            }
            else
            {
                Check(text, field);
            }
        }
        Check(spec.Name, "name");
        Identifier(spec.Model, "model");
        Identifier(spec.Framework, "framework");
        Check(spec.Dataset?.Name, "dataset.name");
        Identifier(spec.Device, "device");
        if (spec.FineTune?.Lora?.Targets is { } targets)
        {
            for (int i = 0; i < targets.Count; i++)
            {
                Identifier(targets[i], $"fineTune.lora.targets[{i}]");
            }
        }
        if (spec.Kd?.ClientModels is { } clientModels)
        {
            for (int i = 0; i < clientModels.Count; i++)
            {
                Identifier(clientModels[i]?.Model, $"kd.clientModels[{i}].model");
            }
        }
        return errors;
    }
}
