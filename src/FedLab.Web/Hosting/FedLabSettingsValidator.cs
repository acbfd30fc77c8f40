using Microsoft.Extensions.Options;

namespace FedLab.Web.Hosting;

/// <summary>
/// Checks the "FedLab" settings once at start, every problem at once. Serving beyond loopback without an
/// access key is refused here, so the dashboard never listens unprotected on a network.
/// </summary>
public sealed class FedLabSettingsValidator : IValidateOptions<FedLabSettings>
{
    public const int MinAccessKeyLength = 12;

    public ValidateOptionsResult Validate(string? name, FedLabSettings options)
    {
        var problems = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                problems.Add(message);
            }
        }

        Check(!string.IsNullOrWhiteSpace(options.DataDirectory), "FedLab:DataDirectory must name a folder");
        var urls = ListenAddresses.Split(options.Urls ?? "");
        Check(urls.Count > 0, "FedLab:Urls must name at least one URL, e.g. http://127.0.0.1:5080");
        foreach (var url in urls)
        {
            if (ListenAddresses.Problem(url) is string problem)
            {
                problems.Add($"FedLab:Urls: {problem}");
            }
        }
        foreach (var host in ListenAddresses.Split(options.AllowedHosts ?? ""))
        {
            Check(System.Text.RegularExpressions.Regex.IsMatch(host, @"^(\*|(\*\.)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])$"),
                $"FedLab:AllowedHosts: '{host}' is not a host name (give names without scheme or port, e.g. dashboard.lab.example or *.lab.example)");
        }
        var exposed = urls.Where(u => ListenAddresses.Problem(u) is null && !ListenAddresses.IsLoopback(u)).ToList();
        if (exposed.Count > 0 && string.IsNullOrEmpty(options.AccessKey))
        {
            problems.Add(
                $"refusing to serve on {string.Join(", ", exposed)} without an access key: anyone who can reach that address could start runs. " +
                $"Set FedLab:AccessKey (or the FEDLAB__ACCESSKEY environment variable) to a secret of at least {MinAccessKeyLength} characters, or bind to 127.0.0.1.");
        }
        if (!string.IsNullOrEmpty(options.AccessKey))
        {
            Check(options.AccessKey.Length >= MinAccessKeyLength, $"FedLab:AccessKey must be at least {MinAccessKeyLength} characters");
            Check(options.AccessKey.All(c => c > ' ' && c < 127), "FedLab:AccessKey must be printable ASCII without spaces (it travels in a header)");
        }
        Check(options.MaxLoginAttempts is >= 1 and <= 10_000, $"FedLab:MaxLoginAttempts must be between 1 and 10000, got {options.MaxLoginAttempts}");
        Check(options.LoginAttemptWindowSeconds is >= 1 and <= 86_400, $"FedLab:LoginAttemptWindowSeconds must be between 1 and 86400, got {options.LoginAttemptWindowSeconds}");
        Check(options.MaxConcurrentRuns is >= 1 and <= 64, $"FedLab:MaxConcurrentRuns must be between 1 and 64, got {options.MaxConcurrentRuns}");
        Check(options.MaxQueuedRuns is >= 1 and <= 100_000, $"FedLab:MaxQueuedRuns must be between 1 and 100000, got {options.MaxQueuedRuns}");
        Check(options.MaxUploadBytes is >= 1_000 and <= 2_000_000_000, $"FedLab:MaxUploadBytes must be between 1000 and 2000000000, got {options.MaxUploadBytes}");
        Check(options.MaxDatasetRows is >= 10 and <= 10_000_000, $"FedLab:MaxDatasetRows must be between 10 and 10000000, got {options.MaxDatasetRows}");
        Check(options.MaxDecompressedBytes >= 1_000 && options.MaxDecompressedBytes <= Engine.Datasets.DatasetReadLimits.Default.MaxBytes,
            $"FedLab:MaxDecompressedBytes must be between 1000 and {Engine.Datasets.DatasetReadLimits.Default.MaxBytes}, got {options.MaxDecompressedBytes}");
        Check(options.MaxFieldChars >= 100 && options.MaxFieldChars <= Engine.Datasets.DatasetReadLimits.Default.MaxFieldChars,
            $"FedLab:MaxFieldChars must be between 100 and {Engine.Datasets.DatasetReadLimits.Default.MaxFieldChars}, got {options.MaxFieldChars}");
        Check(options.MaxSpecBytes is >= 1_000 and <= 100_000_000, $"FedLab:MaxSpecBytes must be between 1000 and 100000000, got {options.MaxSpecBytes}");
        Check(options.EngineThreads is >= 0 and <= 1024, $"FedLab:EngineThreads must be between 0 and 1024, got {options.EngineThreads}");
        foreach (var (model, folder) in options.Models ?? [])
        {
            Check(!string.IsNullOrWhiteSpace(model) && Engine.Models.ModelCatalog.All.All(m => m.Id != model), $"FedLab:Models: '{model}' must be a new name, not empty or a bundled model's id");
            Check(File.Exists(Path.Combine(folder ?? "", "config.json")), $"FedLab:Models:{model}: '{folder}' is not a folder holding a Hugging Face config.json");
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
