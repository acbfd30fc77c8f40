using FedLab.Engine.Runs;

namespace FedLab.Data;

/// <summary>
/// The one mapping between <see cref="RunStatus"/> and the names every output uses (exports, API, hub, CLI, pages):
/// lower case, e.g. "finished". Parsing also accepts any casing, so the database's stored names ("Finished") and a
/// user's "Finished" both read back.
/// </summary>
public static class RunStatusNames
{
    /// <summary>Every status name, in the enum's order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<RunStatus>().Select(Name)];

    public static string Name(RunStatus status) => status switch
    {
        RunStatus.Queued => "queued",
        RunStatus.Running => "running",
        RunStatus.Finished => "finished",
        RunStatus.Failed => "failed",
        RunStatus.Cancelled => "cancelled",
        RunStatus.Interrupted => "interrupted",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>A status by name, any casing; false for anything else (numbers included).</summary>
    public static bool TryParse(string? name, out RunStatus status)
    {
        foreach (var candidate in Enum.GetValues<RunStatus>())
        {
            if (string.Equals(Name(candidate), name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }
        status = default;
        return false;
    }
}
