using System.Globalization;
using System.Text;

namespace FedLab.Data.Export;

/// <summary>
/// One CSV row per run and round (RFC 4180 quoting, invariant culture, NaN written as NaN). Traffic by payload kind
/// is a pair of columns per kind present in any exported round (<c>up_parameters_bytes</c>,
/// <c>down_activation_gradients_bytes</c>, ...), in display order, so a new kind is a new column. Named metrics
/// (<see cref="RoundRow.Extra"/>) follow the fixed columns, one column per name present in any exported round, under
/// the metric's own name ("validation.accuracy"; a dot never occurs in a fixed column), empty where a round lacks it.
/// </summary>
internal static class CsvExport
{
    private static readonly string[] Head =
    [
        "run_id", "run_name", "experiment", "framework", "model", "dataset", "partition", "clients", "alpha", "seed", "status",
        "round", "accuracy", "macro_f1", "loss", "train_loss", "client_accuracy_mean", "client_accuracy_std", "eval_examples",
        "clients_in_round", "bytes_up", "bytes_down",
    ];

    private static readonly string[] Tail =
    [
        "client_flops", "client_seconds", "server_seconds", "eval_seconds", "wall_seconds",
        "cumulative_mb_up", "cumulative_mb_down", "cumulative_client_tflops", "finished_at",
    ];

    public static async Task WriteAsync(IReadOnlyList<RunDetail> runs, Stream output, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 65536, leaveOpen: true) { NewLine = "\n" };
        var kinds = PayloadBytes.DisplayOrder(runs.SelectMany(r => r.Rounds).SelectMany(r => r.Up.Kinds.Concat(r.Down.Kinds)));
        var metrics = runs.SelectMany(r => r.Rounds).SelectMany(r => r.Extra.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        string[] header = [.. Head, .. kinds.Select(k => $"up_{Snake(k.Name)}_bytes"), .. kinds.Select(k => $"down_{Snake(k.Name)}_bytes"), .. Tail, .. metrics];
        await writer.WriteLineAsync(string.Join(',', header));
        var line = new List<string>(header.Length);
        foreach (var run in runs)
        {
            var s = run.Summary;
            double up = 0, down = 0, flops = 0;
            foreach (var r in run.Rounds)
            {
                ct.ThrowIfCancellationRequested();
                up += r.BytesUp;
                down += r.BytesDown;
                flops += r.ClientFlops;
                line.Clear();
                line.AddRange([
                    s.Id.ToString("D"), Quote(s.Name), Quote(s.ExperimentName ?? ""), s.Framework, Quote(s.Model), Quote(s.Dataset), s.PartitionKind,
                    I(s.Clients), s.Alpha is double a ? D(a) : "", I(s.Seed), RunStatusNames.Name(s.Status),
                    I(r.Round), D(r.Accuracy), D(r.MacroF1), D(r.Loss), N(r.TrainLoss), N(r.ClientAccuracyMean), N(r.ClientAccuracyStd), I(r.EvalExamples),
                    I(r.Clients), L(r.BytesUp), L(r.BytesDown),
                    .. kinds.Select(k => L(r.Up[k])), .. kinds.Select(k => L(r.Down[k])),
                    D(r.ClientFlops), D(r.ClientSeconds), D(r.ServerSeconds), D(r.EvalSeconds), D(r.WallSeconds),
                    D(up / 1e6), D(down / 1e6), D(flops / 1e12), r.FinishedAt.ToString("O", CultureInfo.InvariantCulture),
                    .. metrics.Select(m => r.Extra.TryGetValue(m, out double v) ? D(v) : ""),
                ]);
                await writer.WriteLineAsync(string.Join(',', line));
            }
        }
        await writer.FlushAsync(ct);
    }

    /// <summary>"activationGradients" to "activation_gradients"; anything but letters and digits becomes "_".</summary>
    internal static string Snake(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        foreach (char c in name)
        {
            if (char.IsUpper(c))
            {
                if (text.Length > 0 && text[^1] != '_')
                {
                    text.Append('_');
                }
                text.Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
            }
        }
        return text.ToString();
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string L(long v) => v.ToString(CultureInfo.InvariantCulture);
    private static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    private static string N(double? v) => v is double d ? D(d) : "";

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
