using System.Globalization;
using FedLab.Engine.Studies;

namespace FedLab.Data.Studies.Export;

/// <summary>The study's figures as named charts: curves with 95% bands, Pareto fronts, time to target against uplink, axis effects.</summary>
public static class StudyFigures
{
    public sealed record Figure(string FileName, string Caption, SvgChart Chart);

    public static IReadOnlyList<Figure> All(StudyResults results, IReadOnlyList<DeploymentProfile> profiles)
    {
        var figures = new List<Figure>
        {
            Curves(results, "accuracy", "Test accuracy per round (mean, 95% band)", "round", "test accuracy", c => c.Accuracy, c => c.Rounds.Select(r => (double)r).ToList()),
            Curves(results, "accuracy-vs-mb", "Accuracy against cumulative MB (mean, 95% band)", "cumulative MB (up + down)", "test accuracy", c => c.Accuracy, c => c.CumulativeMb.Select(m => m.Mean).ToList()),
            Curves(results, "loss", "Test loss per round (mean, 95% band)", "round", "test loss", c => c.Loss, c => c.Rounds.Select(r => (double)r).ToList()),
            ParetoFigure(results, "pareto-mb", "best accuracy against MB", "total MB (up + down)", c => c.TotalMb),
            ParetoFigure(results, "pareto-tflops", "best accuracy against client TFLOPs", "client TFLOPs", c => c.TotalClientTflops),
            ParetoFigure(results, "pareto-time", $"best accuracy against simulated time ({results.Profile.Name})", "simulated seconds", c => c.TotalSimulatedSeconds),
        };
        figures.AddRange(AxisEffects(results));
        foreach (var profile in profiles)
        {
            figures.AddRange(Bandwidth(results, profile));
        }
        return figures;
    }

    private static Figure Curves(StudyResults results, string name, string title, string xLabel, string yLabel,
        Func<ConfigurationResult, IReadOnlyList<SeedInterval>> metric, Func<ConfigurationResult, IReadOnlyList<double>> x)
    {
        var chart = new SvgChart { Title = title, XLabel = xLabel, YLabel = yLabel };
        foreach (var c in results.Configurations.Where(c => c.SeedsFinished > 0))
        {
            var xs = x(c);
            var ys = metric(c);
            chart.Series.Add(new ChartSeries($"{c.Name} (n={c.SeedsFinished})",
                [.. ys.Select((v, i) => new ChartPoint(xs[i], v.Mean, v.N > 1 ? v.Lower : null, v.N > 1 ? v.Upper : null))], Line: true));
        }
        return new Figure(name, title, chart);
    }

    private static Figure ParetoFigure(StudyResults results, string name, string what, string xLabel, Func<ConfigurationResult, SeedInterval> cost)
    {
        var configs = results.Configurations.Where(c => c.SeedsFinished > 0).ToList();
        var dominated = Pareto.Dominated([.. configs.Select(c => (cost(c).Mean, c.Best.Mean))]);
        var chart = new SvgChart { Title = $"Pareto front: {what}", XLabel = xLabel, YLabel = "best accuracy (mean, 95% CI)", LogX = configs.Count > 1 && Spread(configs.Select(c => cost(c).Mean)) > 100 };
        for (int i = 0; i < configs.Count; i++)
        {
            var c = configs[i];
            chart.Series.Add(new ChartSeries(c.Name, [new ChartPoint(cost(c).Mean, c.Best.Mean, c.Best.N > 1 ? c.Best.Lower : null, c.Best.N > 1 ? c.Best.Upper : null, dominated[i])], Line: false));
        }
        return new Figure(name, $"Pareto front of {what}; dominated configurations in grey", chart);
    }

    private static double Spread(IEnumerable<double> values)
    {
        var v = values.Where(x => x > 0 && double.IsFinite(x)).ToList();
        return v.Count < 2 ? 1 : v.Max() / v.Min();
    }

    /// <summary>Small multiples over the axes: final accuracy and total MB against each axis' values, one line per framework.</summary>
    private static IEnumerable<Figure> AxisEffects(StudyResults results)
    {
        foreach (var axis in results.State.Spec.Axes)
        {
            foreach (var (metric, label, pick) in new (string, string, Func<ConfigurationResult, SeedInterval>)[]
            {
                ("accuracy", "best accuracy", c => c.Best),
                ("mb", "total MB", c => c.TotalMb),
            })
            {
                var numeric = axis.Values.All(v => double.TryParse(StudyAxis.Text(v), NumberStyles.Float, CultureInfo.InvariantCulture, out _));
                var chart = new SvgChart
                {
                    Title = $"{label} against {axis.Path}",
                    XLabel = numeric ? axis.Path : $"{axis.Path} (value index)",
                    YLabel = $"{label} (mean, 95% CI)",
                };
                foreach (var group in results.Configurations.Where(c => c.SeedsFinished > 0 && c.Setting.Any(s => s.Path == axis.Path))
                    .GroupBy(c => (c.Label, Others: string.Join(", ", c.Setting.Where(s => s.Path != axis.Path).Select(s => $"{s.Name}={s.Text}")))))
                {
                    var points = group.Select(c =>
                    {
                        var text = c.Setting.First(s => s.Path == axis.Path).Text;
                        double x = numeric ? double.Parse(text, CultureInfo.InvariantCulture) : axis.Values.Select(StudyAxis.Text).ToList().IndexOf(text);
                        var v = pick(c);
                        return new ChartPoint(x, v.Mean, v.N > 1 ? v.Lower : null, v.N > 1 ? v.Upper : null);
                    }).OrderBy(p => p.X).ToList();
                    chart.Series.Add(new ChartSeries(group.Key.Others.Length == 0 ? group.Key.Label : $"{group.Key.Label} ({group.Key.Others})", points, Line: true));
                }
                yield return new Figure($"axis-{Slug(axis.ShortName)}-{metric}", $"How {axis.Path} moves {label}, per framework", chart);
            }
        }
    }

    /// <summary>Time to the target against uplink bandwidth (log axis) under a profile, the crossovers marked.</summary>
    public static IEnumerable<Figure> Bandwidth(StudyResults results, DeploymentProfile profile)
    {
        if (results.Target is not double target)
        {
            yield break;
        }
        var bandwidths = Enumerable.Range(0, 61).Select(i => Math.Pow(10, -1 + i * 5.0 / 60)).ToList();
        foreach (var group in results.BandwidthGroups(profile))
        {
            var chart = new SvgChart
            {
                Title = $"Time to accuracy {target:0.###} vs uplink — {profile.Name}" + (group.Setting == "all" ? "" : $" ({group.Setting})"),
                XLabel = "uplink Mbit/s (log)",
                YLabel = "simulated seconds to target (log)",
                LogX = true,
                LogY = true,
                EmptyText = "no configuration has a finished seed that reached the target",
            };
            foreach (var c in group.Members.Where(c => c.SeedsFinished > 0))
            {
                chart.Series.Add(new ChartSeries(c.Name, [.. bandwidths.Select(b => (B: b, T: c.MeanTimeToTarget(target, profile.WithUplink(b))))
                    .Where(p => p.T is not null).Select(p => new ChartPoint(p.B, p.T!.Value))], Line: true));
            }
            foreach (var x in group.Crossovers)
            {
                chart.Markers.Add((x.UpMbps, string.Create(CultureInfo.InvariantCulture, $"{x.UpMbps:0.##} Mbit/s")));
            }
            yield return new Figure($"bandwidth-{profile.Name}{(group.Setting == "all" ? "" : "-" + Slug(group.Setting))}",
                $"Simulated time to accuracy {target:0.###} against uplink bandwidth under {profile.Name} (other link and device values fixed); dashed lines: where the fastest configuration changes", chart);
        }
    }

    public static string Slug(string text) => new([.. text.Select(ch => char.IsLetterOrDigit(ch) || ch is '.' or '-' ? ch : '_')]);
}
