using FedLab.Cluster;
using FedLab.Engine.Federation;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FedLab.Web.Cluster;

/// <summary>Registers the cluster coordinator from <c>FedLab:Cluster</c> (validated at start) and, when enabled, makes it the engine's client runner.</summary>
public static class ClusterServices
{
    public static ClusterSettings Settings(IConfiguration configuration) =>
        configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();

    /// <summary>The settings' problems when enabled (a disabled cluster's other fields are not checked).</summary>
    public static IReadOnlyList<string> Problems(ClusterSettings settings) => settings.Enabled ? settings.Problems() : [];

    public static EngineOptions WithCluster(this EngineOptions engine, ClusterCoordinator coordinator) =>
        coordinator.Enabled ? engine with { ClientRunner = coordinator } : engine;

    public static IServiceCollection AddFedLabCluster(this IServiceCollection services, ClusterSettings settings)
    {
        var problems = Problems(settings);
        if (problems.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(ClusterSettings.Section, typeof(ClusterSettings), problems);
        }
        services.TryAddSingleton(new ClusterCoordinator(settings));
        services.AddHostedService<ClusterStartup>();
        return services;
    }
}
