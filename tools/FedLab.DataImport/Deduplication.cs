namespace FedLab.DataImport;

/// <summary>Exact-duplicate removal that keeps the first occurrence and the input order.</summary>
internal static class Deduplication
{
    /// <summary>
    /// A text seen more than once under one label is kept once; a text seen under two labels is dropped entirely,
    /// since no label would be right for it.
    /// </summary>
    public static (List<(string Text, int Label)> Unique, int DroppedRepeats, int DroppedConflicts) Apply(
        IReadOnlyList<(string Text, int Label)> examples)
    {
        var labelsByText = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        foreach (var (text, label) in examples)
        {
            if (!labelsByText.TryGetValue(text, out var labels))
            {
                labelsByText[text] = labels = [];
            }
            labels.Add(label);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unique = new List<(string, int)>();
        int repeats = 0, conflicts = 0;
        foreach (var (text, label) in examples) // iterate the list, never the dictionary, to keep the order stable
        {
            if (labelsByText[text].Count > 1)
            {
                conflicts++;
            }
            else if (!seen.Add(text))
            {
                repeats++;
            }
            else
            {
                unique.Add((text, label));
            }
        }
        return (unique, repeats, conflicts);
    }
}
