namespace FedLab.Engine.Runs;

/// <summary>
/// The open set of named metrics beside the fixed columns of a round (accuracy, macro-F1, loss, bytes, time):
/// <see cref="EvalMetrics.Extra"/>, <see cref="RoundOutcome.Extra"/>, <see cref="RoundMetrics.Extra"/> and
/// <see cref="ClientRoundMetrics.Extra"/>. A name is "scope.metric" in camelCase, the scope saying where the number
/// comes from: "test.balancedAccuracy", "validation.accuracy", "test.f1.spam", "privacy.epsilon",
/// "clock.simulatedSeconds", "test.perplexity". The store keeps them as rows (run, round, [client,] name, value), the
/// exports as one column per name, the hub as a map: a new metric needs no schema change, only a name.
/// Values are doubles; NaN is allowed (stored as NULL, read back as NaN).
/// </summary>
public static class MetricNames
{
    /// <summary>The longest name accepted.</summary>
    public const int MaxLength = 128;

    /// <summary>
    /// True for "scope.metric": ASCII letters, digits, '.', '_' and '-', starting with a letter, with at least one '.'
    /// (so no name can collide with a fixed column of an export), not ending in '.', at most <see cref="MaxLength"/> long.
    /// </summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength && char.IsAsciiLetter(name[0]) && name.Contains('.') && name[^1] != '.'
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>
    /// The union of two metric sets (either may be null); null when both are empty. A name in both, or a name that
    /// is not <see cref="IsValid"/>, is a bug of whoever produced it and throws.
    /// </summary>
    public static IReadOnlyDictionary<string, double>? Merge(IReadOnlyDictionary<string, double>? first, IReadOnlyDictionary<string, double>? second)
    {
        if ((first is null || first.Count == 0) && (second is null || second.Count == 0))
        {
            return null;
        }
        var merged = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var set in new[] { first, second })
        {
            foreach (var (name, value) in set ?? new Dictionary<string, double>())
            {
                if (!IsValid(name))
                {
                    throw new ArgumentException($"metric name '{name}' is not valid (letters, digits, '.', '_', '-'; starting with a letter; one '.' at least; at most {MaxLength} characters)");
                }
                if (!merged.TryAdd(name, value))
                {
                    throw new ArgumentException($"metric '{name}' was reported twice in one round");
                }
            }
        }
        return merged;
    }
}
