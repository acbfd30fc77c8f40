using System.Globalization;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Federation.Availability;

/// <summary>
/// A per-client availability trace read from CSV: a header <c>client,round,available</c>, then one row per listed
/// (client, round) with available 0 or 1. Rows not listed are available. Problems name the line.
/// </summary>
public sealed class AvailabilityTrace
{
    public const int MaxRows = 1_000_000;
    private readonly HashSet<(int Client, int Round)> _absent;

    private AvailabilityTrace(HashSet<(int, int)> absent) => _absent = absent;

    public bool IsAvailable(int client, int round) => !_absent.Contains((client, round));

    /// <summary>Reads <paramref name="path"/>; throws <see cref="RunSpecException"/> at "availability.trace" for a bad file.</summary>
    public static AvailabilityTrace Load(string path, int clients, int rounds)
    {
        var errors = Check(path, clients, rounds, out var trace);
        return errors.Count > 0 ? throw new RunSpecException(errors) : trace!;
    }

    public static IReadOnlyList<SpecError> Check(string path, int clients, int rounds, out AvailabilityTrace? trace)
    {
        const string field = "availability.trace";
        trace = null;
        if (!File.Exists(path))
        {
            return [new SpecError(field, $"file '{FreeText.Shown(path)}' does not exist")];
        }
        var absent = new HashSet<(int, int)>();
        int line = 0;
        foreach (var raw in File.ReadLines(path))
        {
            line++;
            var text = raw.Trim();
            if (line == 1)
            {
                if (!string.Equals(text.Replace(" ", ""), "client,round,available", StringComparison.OrdinalIgnoreCase))
                {
                    return [new SpecError(field, $"line 1 must be the header 'client,round,available', got '{FreeText.Shown(text)}'")];
                }
                continue;
            }
            if (text.Length == 0)
            {
                continue;
            }
            if (line > MaxRows)
            {
                return [new SpecError(field, $"has more than {MaxRows} rows")];
            }
            var cells = text.Split(',');
            if (cells.Length != 3
                || !int.TryParse(cells[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int client)
                || !int.TryParse(cells[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int round)
                || cells[2].Trim() is not ("0" or "1"))
            {
                return [new SpecError(field, $"line {line}: expected 'client,round,available' with whole numbers and available 0 or 1, got '{FreeText.Shown(text)}'")];
            }
            if (client >= clients || round < 1 || round > rounds)
            {
                return [new SpecError(field, $"line {line}: client must be 0 to {clients - 1} and round 1 to {rounds}, got client {client}, round {round}")];
            }
            if (cells[2].Trim() == "0")
            {
                absent.Add((client, round));
            }
        }
        if (line == 0)
        {
            return [new SpecError(field, "is empty; it needs the header 'client,round,available'")];
        }
        trace = new AvailabilityTrace(absent);
        return [];
    }
}
