using Microsoft.Extensions.Configuration;

namespace FedLab.Web.Cli;

/// <summary>
/// The settings the headless commands use: the "FedLab" section of the appsettings.json beside the binaries,
/// overridden by environment variables (FEDLAB__DATADIRECTORY=...), the same sources the dashboard reads, so
/// both find the same database when started from the same folder.
/// </summary>
internal static class CliSettings
{
    public static FedLabSettings Load()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
        return configuration.GetSection(FedLabSettings.Section).Get<FedLabSettings>() ?? new FedLabSettings();
    }
}
