using FedLab.Engine.Runs;
using FedLab.Web.Specs;

namespace FedLab.Web.Components.Forms;

/// <summary>What every field of the New run form shares: the draft, the current problems by field, and "changed".</summary>
public sealed partial class SpecFormContext(SpecDraft draft, Func<string, Task> changed)
{
    private ILookup<string, string> _errors = Array.Empty<SpecError>().ToLookup(e => e.Field, e => e.Message);

    public SpecDraft Draft { get; set; } = draft;

    public IReadOnlyList<SpecError> Errors { get; private set; } = [];

    public Func<string, Task> Changed { get; } = changed;

    /// <summary>Raised after every validation, so each field can refresh its own message (not only the one edited).</summary>
    public event Action? ErrorsChanged;

    public void SetErrors(IReadOnlyList<SpecError> errors)
    {
        // "(line 12)" points into the JSON the form writes, which its user never sees: the field is the place.
        errors = [.. errors.Select(e => e with { Message = LineSuffix().Replace(e.Message, "") })];
        Errors = errors;
        _errors = errors.ToLookup(e => e.Field, e => e.Message);
        ErrorsChanged?.Invoke();
    }

    public IEnumerable<string> ErrorsAt(string path) => _errors[path];

    [System.Text.RegularExpressions.GeneratedRegex(@" \(line \d+\)$")]
    private static partial System.Text.RegularExpressions.Regex LineSuffix();
}
