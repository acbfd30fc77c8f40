using System.Globalization;
using System.Text;
using System.Text.Json;
using FedLab.Data;
using FedLab.Engine.Frameworks.FedLlm;
using FedLab.Engine.Frameworks.KdFedLlm;
using FedLab.Engine.Frameworks.SplitFedLlm;
using FedLab.Engine.Runs;

namespace FedLab.Web.Cli;

/// <summary>The comparison's outputs: the console table, the CSV and the JSON (every round of every run).</summary>
internal static class CompareReport
{
    private static readonly string[] CsvColumns =
    [
        "label", "framework", "variant", "status", "rounds", "clients", "best_accuracy", "final_accuracy",
        "final_client_accuracy_mean", "final_client_accuracy_std", "mb_up_per_client", "mb_down_per_client",
        "mb_per_round_per_client", "client_tflops_per_client", "client_seconds_per_client", "wall_seconds", "trainable_parameters",
        "accuracy_metric",
    ];

    public static void WriteTable(TextWriter output, IReadOnlyList<CompareRow> rows)
    {
        int width = Math.Max(5, rows.Max(r => r.Label.Length));
        int variantWidth = Math.Max(7, rows.Max(r => r.Variant.Length));
        output.WriteLine(Inv($"{"run".PadRight(width)}  {"framework",-11}  {"variant".PadRight(variantWidth)}  {"best acc",8}  {"final acc",9}  {"MB up/cl",10}  {"MB down/cl",10}  {"TFLOP/cl",9}  {"client s/cl",11}  {"wall s",8}"));
        foreach (var r in rows)
        {
            var status = r.Status == RunStatus.Finished ? "" : $"  ({RunStatusNames.Name(r.Status)} after {r.CompletedRounds} rounds)";
            output.WriteLine(Inv($"{r.Label.PadRight(width)}  {r.Framework,-11}  {r.Variant.PadRight(variantWidth)}  {r.BestAccuracy,8:F4}  {r.FinalAccuracy,9:F4}{(r.AccuracyMetric == AccuracyMetrics.Accuracy ? " " : "*")} {r.MbUpPerClient,10:F3}  {r.MbDownPerClient,10:F3}  {r.ClientTflopsPerClient,9:F3}  {r.ClientSecondsPerClient,11:F1}  {r.WallSeconds,8:F1}{status}"));
        }
        output.WriteLine("per client (/cl) = totals over all rounds and client rounds / number of clients; KD consensus accuracy = mean of the clients' own models");
        if (rows.Any(r => r.AccuracyMetric != AccuracyMetrics.Accuracy))
        {
            output.WriteLine("* a generative run: its best and final acc are the exact match of greedy answers with the references, not classification accuracy");
        }
    }

    /// <summary>The trade-offs the comparison is meant to show, computed from the rows that make them measurable.</summary>
    public static void WriteObservations(TextWriter output, IReadOnlyList<CompareRow> rows, IReadOnlyList<CompareRun> runs)
    {
        var finished = rows.Zip(runs).Where(x => x.First.Status == RunStatus.Finished).ToList();
        var fedLora = finished.FirstOrDefault(x => x.Second.Spec.Framework == FedLlmFramework.Id && x.Second.Spec.FineTune.Mode == FineTuneKind.Lora);
        var fedFull = finished.FirstOrDefault(x => x.Second.Spec.Framework == FedLlmFramework.Id && x.Second.Spec.FineTune.Mode == FineTuneKind.Full);
        if (fedLora.First is not null && fedFull.First is not null)
        {
            output.WriteLine(Inv($"FedLLM bytes: full fine-tuning moves {(fedFull.First.MbUpPerClient + fedFull.First.MbDownPerClient) / (fedLora.First.MbUpPerClient + fedLora.First.MbDownPerClient):F0}x the bytes of LoRA ({fedFull.First.TrainableParameters:N0} vs {fedLora.First.TrainableParameters:N0} trainable parameters)"));
        }
        foreach (var (row, run) in finished.Where(x => x.Second.Spec.Framework == SplitFramework.Id))
        {
            var reference = finished.FirstOrDefault(x => x.Second.Spec.Framework == FedLlmFramework.Id && x.Second.Spec.FineTune.Mode == run.Spec.FineTune.Mode);
            if (reference.First is not null && reference.First.ClientTflopsPerClient > 0)
            {
                int layers = Engine.Models.ModelCatalog.Get(run.Spec.Model).Shape.Layers;
                output.WriteLine(Inv($"{row.Label}: client FLOPs = {row.ClientTflopsPerClient / reference.First.ClientTflopsPerClient:F3} of {reference.First.Label}'s (cut {run.Spec.Split.CutLayer} of {layers} layers = {(double)run.Spec.Split.CutLayer / layers:F3}); {row.MbPerRoundPerClient:F2} MB per client per round"));
            }
        }
        foreach (var (row, run) in finished.Where(x => x.Second.Spec.Framework == KdFramework.Id))
        {
            output.WriteLine(Inv($"{row.Label}: {row.MbPerRoundPerClient * 1e6 / 1e3:F1} kB per client per round for {(run.Spec.Kd.PublicSize?.ToString(CultureInfo.InvariantCulture) ?? "all")} public examples ({row.MbPerRoundPerClient * 1e6 / (run.Spec.Kd.PublicSize ?? 1):F1} B per public example up + down); the model has {row.TrainableParameters:N0} trainable parameters"));
        }
    }

    public static string Csv(IReadOnlyList<CompareRow> rows)
    {
        var csv = new StringBuilder().AppendLine(string.Join(',', CsvColumns));
        foreach (var r in rows)
        {
            string[] fields =
            [
                Quote(r.Label), r.Framework, Quote(r.Variant), RunStatusNames.Name(r.Status), N(r.CompletedRounds), N(r.Clients),
                N(r.BestAccuracy), N(r.FinalAccuracy), r.FinalClientAccuracyMean is double m ? N(m) : "", r.FinalClientAccuracyStd is double s ? N(s) : "",
                N(r.MbUpPerClient), N(r.MbDownPerClient), N(r.MbPerRoundPerClient), N(r.ClientTflopsPerClient), N(r.ClientSecondsPerClient), N(r.WallSeconds),
                N(r.TrainableParameters), Quote(r.AccuracyMetric),
            ];
            csv.AppendLine(string.Join(',', fields));
        }
        return csv.ToString();
    }

    public static string Json(string name, IReadOnlyList<CompareRow> rows, IReadOnlyList<RunResult> results)
    {
        var document = new
        {
            Name = name,
            Runs = rows.Zip(results).Select(x => new
            {
                Summary = x.First,
                x.Second.Spec,
                x.Second.Info,
                x.Second.Error,
                x.Second.Rounds,
            }).ToList(),
        };
        return JsonSerializer.Serialize(document, RunSpecJson.OutputOptions);
    }

    private static string Quote(string text) => Data.Export.CsvText.Quote(text);

    private static string N(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
