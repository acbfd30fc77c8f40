using System.Text;
using FedLab.Data.Studies;
using FedLab.Data.Studies.Export;
using FedLab.Engine.Studies;

namespace FedLab.Web.Studies;

/// <summary>
/// Writes a study's paper-ready exports into a folder: figures/NAME.svg and figures/NAME.png (and NAME@300dpi.png
/// when asked), summary.csv, summary.tex (booktabs), report.html (one file, figures inline) and report.md, study.json.
/// </summary>
public static class StudyExportWriter
{
    public static async Task<IReadOnlyList<string>> WriteAsync(string folder, StudyResults results, IReadOnlyList<DeploymentProfile> profiles, bool highDpi, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        var figuresDir = Path.Combine(folder, "figures");
        Directory.CreateDirectory(figuresDir);
        var written = new List<string>();
        var figures = StudyFigures.All(results, profiles);
        foreach (var figure in figures)
        {
            var svg = figure.Chart.ToSvg();
            var svgPath = Path.Combine(figuresDir, figure.FileName + ".svg");
            await File.WriteAllTextAsync(svgPath, svg, Encoding.UTF8, ct);
            await File.WriteAllBytesAsync(Path.Combine(figuresDir, figure.FileName + ".png"), PngRenderer.Render(svg), ct);
            if (highDpi)
            {
                await File.WriteAllBytesAsync(Path.Combine(figuresDir, figure.FileName + "@300dpi.png"), PngRenderer.Render(svg, 300), ct);
            }
            written.Add(svgPath);
        }
        async Task Write(string name, string text)
        {
            var path = Path.Combine(folder, name);
            await File.WriteAllTextAsync(path, text, Encoding.UTF8, ct);
            written.Add(path);
        }
        await Write("summary.csv", StudyTables.Csv(results));
        await Write("summary.tex", StudyTables.Latex(results));
        await Write("report.html", StudyReport.Html(results, figures, profiles));
        await Write("report.md", StudyReport.Markdown(results, figures, profiles));
        return written;
    }
}
