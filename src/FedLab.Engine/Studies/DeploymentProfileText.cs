using System.Globalization;
using FedLab.Engine.Runs;

namespace FedLab.Engine.Studies;

/// <summary>
/// A profile as a user types it: a preset name ("phone-4g") or custom values
/// "clientGflops=10,serverGflops=5000,upMbps=10,downMbps=30,rttMs=50" (any omitted value comes from laptop-broadband).
/// </summary>
public static class DeploymentProfileText
{
    private static readonly string[] Fields = ["clientGflops", "serverGflops", "upMbps", "downMbps", "rttMs"];

    public static DeploymentProfile Parse(string text, string field = "profile")
    {
        text = text.Trim();
        if (DeploymentPresets.Find(text) is { } preset)
        {
            return preset;
        }
        if (!text.Contains('=', StringComparison.Ordinal))
        {
            throw new RunSpecException([new SpecError(field, $"unknown profile '{text}'; use a preset ({string.Join(", ", DeploymentPresets.All.Select(p => p.Name))}) or custom values {string.Join("=..,", Fields)}=..")]);
        }
        var profile = DeploymentPresets.LaptopBroadband with { Name = "custom", Source = "custom values" };
        var errors = new List<SpecError>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? part : part[..eq].Trim();
            var name = Fields.FirstOrDefault(f => string.Equals(f, key, StringComparison.OrdinalIgnoreCase));
            if (name is null)
            {
                errors.Add(new SpecError($"{field}.{key}", $"unknown profile value; use {string.Join(", ", Fields)}"));
                continue;
            }
            if (eq < 0 || !double.TryParse(part[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                errors.Add(new SpecError($"{field}.{name}", "must be a number"));
                continue;
            }
            profile = name switch
            {
                "clientGflops" => profile with { ClientGflops = value },
                "serverGflops" => profile with { ServerGflops = value },
                "upMbps" => profile with { UpMbps = value },
                "downMbps" => profile with { DownMbps = value },
                _ => profile with { RttMs = value },
            };
        }
        errors.AddRange(profile.Problems().Select(e => e with { Field = $"{field}.{e.Field}" }));
        return errors.Count > 0 ? throw new RunSpecException(errors) : profile;
    }
}
