using System.Globalization;
using FedLab.Engine.Runs;

namespace FedLab.Web.Cli;

/// <summary>Prints one line per round (and the run's start and end) as events arrive.</summary>
internal sealed class ConsoleRoundPrinter(TextWriter output, string? label = null) : IRunEventSink
{
    private long _bytesUp;
    private long _bytesDown;
    private string _headline = "acc";

    public void Publish(RunEvent runEvent)
    {
        var prefix = label is null ? "" : $"[{label}] ";
        switch (runEvent)
        {
            case RunStarted s:
                _headline = Engine.Tasks.TaskSpecExtensions.IsGenerative(s.Spec) ? "exact match" : "acc";
                output.WriteLine(Invariant($"{prefix}{s.Spec.Framework.ToString().ToLowerInvariant()} on {s.Info.ModelDisplayName}, {s.Info.Device}; {s.Info.TrainableParameters:N0} of {s.Info.TotalParameters:N0} parameters train; {s.Info.TrainExamples} train / {s.Info.TestExamples} test examples, {s.Spec.Partition.Clients} clients"));
                break;
            case RoundFinished r:
                var m = r.Metrics;
                _bytesUp += m.BytesUp;
                _bytesDown += m.BytesDown;
                // A generative round: exact match, perplexity and answer-token loss instead of accuracy and macro-F1.
                var quality = m.Extra is { } x && x.TryGetValue(EvaluationExtras.TestPerplexity, out var perplexity)
                    ? Invariant($"exact {m.Global.Accuracy:F4}  ppl {perplexity:F3}  loss {m.Global.Loss:F4}")
                    : Invariant($"acc {m.Global.Accuracy:F4}  f1 {m.Global.MacroF1:F4}  loss {m.Global.Loss:F4}");
                output.WriteLine(Invariant(
                    $"{prefix}round {m.Round,3}/{r.TotalRounds}  {quality}  up {Mb(m.BytesUp),8:F3} MB  down {Mb(m.BytesDown),8:F3} MB  client {m.ClientFlops / 1e12,7:F3} TFLOP  {m.WallSeconds,6:F1} s{Realism(m)}"));
                break;
            case RunFinished f:
                output.WriteLine(Invariant($"{prefix}finished: best {_headline} {f.BestAccuracy:F4}, final {_headline} {f.FinalAccuracy:F4}, {Mb(_bytesUp):F2} MB up, {Mb(_bytesDown):F2} MB down, {f.WallSeconds:F1} s"));
                break;
            case RunCancelled c:
                output.WriteLine($"{prefix}cancelled after {c.CompletedRounds} completed round(s)");
                break;
            case RunFailed e:
                output.WriteLine($"{prefix}failed: {e.Error}");
                break;
        }
        output.Flush();
    }

    /// <summary>Dropped and late clients and ε, when the spec simulates them (nothing otherwise: the line stays as it was).</summary>
    private static string Realism(RoundMetrics m)
    {
        if (m.Extra is null)
        {
            return "";
        }
        var parts = new List<string>();
        if (m.Extra.TryGetValue("availability.dropped", out var dropped))
        {
            parts.Add(Invariant($"dropped {dropped:0}"));
        }
        if (m.Extra.TryGetValue("availability.late", out var late))
        {
            parts.Add(Invariant($"late {late:0}"));
        }
        if (m.Extra.TryGetValue("availability.stale", out var stale) && stale > 0)
        {
            parts.Add(Invariant($"stale used {stale:0}"));
        }
        if (m.Extra.TryGetValue("privacy.epsilon", out var epsilon))
        {
            parts.Add(Invariant($"ε {epsilon:F2}"));
        }
        return parts.Count == 0 ? "" : "  " + string.Join("  ", parts);
    }

    private static double Mb(long bytes) => bytes / 1_000_000.0;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
