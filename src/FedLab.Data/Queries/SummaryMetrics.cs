using System.Globalization;
using FedLab.Engine.Runs;

namespace FedLab.Data.Queries;

/// <summary>
/// The named metrics the comparison series and summaries read with each round (not all of a round's metrics: a
/// confusion matrix is the run page's business): the validation metrics that choose the best round, the
/// imbalance-aware test metrics, a generative run's exact match and perplexity, ε and the completion fraction of realistic clients, and round 0's test class counts, from which the majority baseline follows.
/// </summary>
internal static class SummaryMetrics
{
    public const string SqlFilter = "(m.Name LIKE 'validation.%' OR m.Name IN ('test.balancedAccuracy', 'test.auprc', 'test.exactMatch', 'test.perplexity', 'privacy.epsilon', 'availability.completion') OR (m.Round = 0 AND m.Name LIKE 'test.classCount.%'))";

    /// <summary>"name\x1Fvalue" records joined by \x1E, as the query concatenates them.</summary>
    public static IReadOnlyDictionary<string, double> Parse(string text)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var record in text.Split('\x1E'))
        {
            int cut = record.IndexOf('\x1F', StringComparison.Ordinal);
            if (cut > 0)
            {
                metrics[record[..cut]] = double.TryParse(record[(cut + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
            }
        }
        return metrics;
    }

    /// <summary>The test split's class counts as round 0 reported them (index = class); empty for runs recorded before.</summary>
    public static int[] TestClassCounts(IReadOnlyDictionary<string, double> roundZero)
    {
        var counts = new List<int>();
        for (int c = 0; roundZero.TryGetValue(EvaluationExtras.ClassCount("test", c), out var n); c++)
        {
            counts.Add((int)n);
        }
        return [.. counts];
    }
}
