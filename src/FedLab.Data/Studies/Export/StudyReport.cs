using System.Globalization;
using System.Net;
using System.Text;
using FedLab.Engine.Studies;

namespace FedLab.Data.Studies.Export;

/// <summary>
/// The study report: one self-contained HTML file (figures inline as SVG, light theme, tables, profiles with their
/// sources, crossovers) to attach to a paper draft, and a Markdown version that links the figure files.
/// </summary>
public static class StudyReport
{
    public static string Html(StudyResults results, IReadOnlyList<StudyFigures.Figure> figures, IReadOnlyList<DeploymentProfile> profiles)
    {
        var sb = new StringBuilder();
        var state = results.State;
        sb.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + E(state.Name) + "</title>");
        sb.AppendLine("<style>body{font-family:'DejaVu Sans',Arial,sans-serif;background:#fff;color:#222;max-width:1100px;margin:24px auto;padding:0 16px}"
            + "table{border-collapse:collapse;font-size:13px;margin:12px 0}th,td{border-bottom:1px solid #ccc;padding:4px 8px;text-align:left}"
            + "th{border-bottom:2px solid #444}figure{margin:16px 0}figcaption{font-size:13px;color:#444}code{background:#f3f3f3;padding:1px 3px}</style></head><body>");
        sb.AppendLine($"<h1>{E(state.Name)}</h1>");
        sb.AppendLine($"<p>{state.Finished} of {state.Total} runs finished; {state.Spec.Seeds.Count} seeds ({string.Join(", ", state.Spec.Seeds)}); "
            + $"frameworks: {E(string.Join(", ", state.Spec.Frameworks.Select(f => f.Label)))}; axes: {E(state.Spec.Axes.Count == 0 ? "none" : string.Join("; ", state.Spec.Axes.Select(a => $"{a.Path} ∈ {{{string.Join(", ", a.Values.Select(StudyAxis.Text))}}}")))}"
            + (results.Target is double t ? string.Create(CultureInfo.InvariantCulture, $"; target accuracy {t:0.###}") : "") + ".</p>");
        sb.AppendLine("<p>Values are the mean ± the half-width of the 95% confidence interval (Student's t, n − 1 degrees of freedom) over the finished seeds. "
            + "Best accuracy is the test accuracy at the round chosen by validation accuracy where the runs have a validation split (else the final round). "
            + $"Simulated time uses the profile <code>{E(results.Profile.Name)}</code>.</p>");
        sb.AppendLine("<h2>Summary</h2>");
        sb.AppendLine(HtmlTable(results));
        sb.AppendLine("<h2>Deployment what-if</h2>");
        sb.AppendLine(ProfilesHtml(results, profiles));
        sb.AppendLine("<h2>Figures</h2>");
        foreach (var f in figures)
        {
            sb.AppendLine($"<figure>{f.Chart.ToSvg()}<figcaption>{E(f.Caption)}</figcaption></figure>");
        }
        sb.AppendLine("<h2>Runs</h2><table><tr><th>configuration</th><th>seed</th><th>status</th><th>run id</th></tr>");
        foreach (var r in state.Runs)
        {
            sb.AppendLine($"<tr><td>{E(r.Cell.Configuration)}</td><td>{r.Cell.Seed}</td><td>{E(r.Run is null ? "not created" : RunStatusNames.Name(r.Run.Status))}</td><td><code>{r.Run?.Id}</code></td></tr>");
        }
        sb.AppendLine("</table>");
        sb.AppendLine("<h2>Study spec</h2><pre>" + E(StudySpecJson.Serialize(state.Spec)) + "</pre>");
        sb.AppendLine("</body></html>");
        return sb.ToString();
    }

    public static string Markdown(StudyResults results, IReadOnlyList<StudyFigures.Figure> figures, IReadOnlyList<DeploymentProfile> profiles)
    {
        var sb = new StringBuilder();
        var state = results.State;
        sb.AppendLine($"# {state.Name}");
        sb.AppendLine();
        sb.AppendLine($"{state.Finished} of {state.Total} runs finished. Mean ± 95% CI half-width (Student's t) over seeds; simulated time under `{results.Profile.Name}`.");
        sb.AppendLine();
        sb.AppendLine(StudyTables.Markdown(results));
        sb.AppendLine("## Crossovers (uplink bandwidth where the fastest configuration to the target changes)");
        sb.AppendLine();
        foreach (var line in CrossoverLines(results, profiles))
        {
            sb.AppendLine("- " + line);
        }
        sb.AppendLine();
        sb.AppendLine("## Profiles");
        sb.AppendLine();
        foreach (var p in profiles)
        {
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- `{p.Name}`: client {p.ClientGflops} GFLOP/s, server {p.ServerGflops} GFLOP/s, up {p.UpMbps} Mbit/s, down {p.DownMbps} Mbit/s, RTT {p.RttMs} ms. Source: {p.Source}"));
        }
        sb.AppendLine();
        foreach (var f in figures)
        {
            sb.AppendLine($"![{f.Caption}](figures/{f.FileName}.svg)");
            sb.AppendLine();
        }
        return sb.ToString();
    }

    /// <summary>"phone-4g (alpha=0.1): FedLLM → Split-FedLLM at 3.2 Mbit/s", one per crossover; or why there is none.</summary>
    public static IReadOnlyList<string> CrossoverLines(StudyResults results, IReadOnlyList<DeploymentProfile> profiles)
    {
        if (results.Target is null)
        {
            return ["no target accuracy in the study, so no time to target"];
        }
        var lines = new List<string>();
        foreach (var p in profiles)
        {
            foreach (var g in results.BandwidthGroups(p))
            {
                var where = g.Setting == "all" ? p.Name : $"{p.Name} ({g.Setting})";
                if (g.Crossovers.Count == 0)
                {
                    var fastest = g.Members.Select(c => (c.Name, T: c.MeanTimeToTarget(results.Target.Value, p))).Where(x => x.T is not null).OrderBy(x => x.T).FirstOrDefault();
                    lines.Add(fastest.Name is null ? $"{where}: no configuration reached the target" : $"{where}: {fastest.Name} is fastest from 0.1 to 10000 Mbit/s uplink");
                }
                foreach (var x in g.Crossovers)
                {
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"{where}: {x.Below} fastest below {x.UpMbps:0.###} Mbit/s uplink, {x.Above} above"));
                }
            }
        }
        return lines;
    }

    private static string ProfilesHtml(StudyResults results, IReadOnlyList<DeploymentProfile> profiles)
    {
        var sb = new StringBuilder("<table><tr><th>profile</th><th>client GFLOP/s</th><th>server GFLOP/s</th><th>up Mbit/s</th><th>down Mbit/s</th><th>RTT ms</th><th>source</th></tr>");
        foreach (var p in profiles)
        {
            sb.Append(string.Create(CultureInfo.InvariantCulture, $"<tr><td>{E(p.Name)}</td><td>{p.ClientGflops}</td><td>{p.ServerGflops}</td><td>{p.UpMbps}</td><td>{p.DownMbps}</td><td>{p.RttMs}</td><td>{E(p.Source)}</td></tr>"));
        }
        sb.Append("</table><ul>");
        foreach (var line in CrossoverLines(results, profiles))
        {
            sb.Append($"<li>{E(line)}</li>");
        }
        sb.Append("</ul>");
        return sb.ToString();
    }

    private static string HtmlTable(StudyResults results)
    {
        var md = StudyTables.Markdown(results).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var sb = new StringBuilder("<table>");
        for (int i = 0; i < md.Length; i++)
        {
            if (i == 1)
            {
                continue;
            }
            var cells = md[i].Trim().Trim('|').Split(" | ");
            var tag = i == 0 ? "th" : "td";
            sb.Append("<tr>" + string.Concat(cells.Select(c => $"<{tag}>{E(c.Trim().Replace("\\|", "|", StringComparison.Ordinal))}</{tag}>")) + "</tr>");
        }
        return sb.Append("</table>").ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
