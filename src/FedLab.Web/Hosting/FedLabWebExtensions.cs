using FedLab.Data;
using FedLab.Engine.Federation;
using FedLab.Web.Api;
using FedLab.Web.Cluster;
using FedLab.Web.Components;
using FedLab.Web.Datasets;
using FedLab.Web.Hubs;
using FedLab.Web.Live;
using FedLab.Web.Queue;
using FedLab.Web.Specs;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace FedLab.Web.Hosting;

/// <summary>Everything the dashboard registers and maps, so Program.cs stays a few lines.</summary>
public static class FedLabWebExtensions
{
    /// <summary>
    /// Binds and validates the "FedLab" settings, chooses the listen URLs (--urls / ASPNETCORE_URLS over
    /// FedLab:Urls) and registers the data layer, the hosted engine, live fan-out, hub, API and UI services.
    /// Services use TryAdd so tests can register fakes first.
    /// </summary>
    public static WebApplicationBuilder AddFedLabWeb(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(FedLabSettings.Section);
        // --urls (or ASPNETCORE_URLS) wins over FedLab:Urls; either way the validator sees what is bound.
        var urls = builder.Configuration["urls"] is { Length: > 0 } hostUrls ? hostUrls : section[nameof(FedLabSettings.Urls)] ?? new FedLabSettings().Urls;
        builder.Configuration[$"{FedLabSettings.Section}:{nameof(FedLabSettings.Urls)}"] = urls;
        builder.WebHost.UseUrls(urls);
        var settings = section.Get<FedLabSettings>() ?? new FedLabSettings();

        var services = builder.Services;
        services.AddOptions<FedLabSettings>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FedLabSettings>, FedLabSettingsValidator>());

        services.AddFedLabData(settings.DatabasePath, settings.CheckpointDirectory, settings.TensorBoardDirectoryFullPath);
        services.TryAddSingleton(TimeProvider.System);
        var cluster = Cluster.ClusterServices.Settings(builder.Configuration);
        services.AddFedLabCluster(cluster);
        services.TryAddSingleton(sp => settings.EngineOptions().WithCluster(sp.GetRequiredService<Cluster.ClusterCoordinator>()));
        services.TryAddSingleton<RunBroadcaster>();
        services.TryAddSingleton<RunSpecChecker>();
        services.TryAddSingleton<Studies.StudyService>();
        services.TryAddSingleton<DatasetUploads>();
        services.TryAddSingleton<PartitionPreviewer>();
        services.TryAddSingleton<Views.RunVariants>();
        services.TryAddSingleton<Views.ClientRoundReader>();
        services.TryAddSingleton<Views.RunSnapshotReader>();
        services.TryAddSingleton<HubForwarder>();
        services.TryAddSingleton<RunQueue>();
        // Hosted in this order: the database is ready before the queue takes runs.
        services.AddHostedService<DatabaseStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<HubForwarder>());
        services.AddHostedService(sp => sp.GetRequiredService<RunQueue>());

        services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = settings.MaxUploadBytes + 64 * 1024);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = Math.Max(settings.MaxUploadBytes + 64 * 1024, settings.MaxSpecBytes));
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            // Metrics can be NaN (a diverged loss); say so rather than fail the response.
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals;
        });
        services.AddRateLimiter(o => LoginEndpoints.AddRateLimit(o, settings));
        services.AddOpenApi(o => o.AddJsonBodies());
        services.AddSignalR(o => Microsoft.AspNetCore.SignalR.HubOptionsExtensions.AddFilter<HubFailureLogFilter>(o))
            // A diverged round carries NaN: write it as "NaN" (the export's convention) rather than fail the message,
            // which would close the subscriber's connection.
            .AddJsonProtocol(o => o.PayloadSerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals);
        // HubFailureLogFilter logs hub method failures (a refusal as one line); SignalR's dispatcher would log each
        // again at Error with a stack trace. Keep its warnings only.
        builder.Logging.AddFilter(HubFailureLogFilter.DispatcherCategory, level => level == LogLevel.Warning);
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        // Keys for antiforgery tokens and circuits live with the data, so a restart does not invalidate open pages.
        services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(settings.DataDirectoryFullPath, "keys")));
        // MudBlazor and Plotly.Blazor assets (_content/...) come from the NuGet packages through the static web
        // assets manifest, which ASP.NET only reads by itself in Development; read it in every environment.
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }

    public static WebApplication UseFedLabWeb(this WebApplication app)
    {
        app.UseExceptionHandler(errorApp => errorApp.Run(ErrorResponse.WriteAsync));
        app.UseMiddleware<HostGuardMiddleware>();
        app.UseMiddleware<CrossSiteGuardMiddleware>();
        app.UseMiddleware<AccessKeyMiddleware>();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapLogin();
        app.MapOpenApi();
        app.MapRunEndpoints();
        app.MapExperimentEndpoints();
        app.MapStudyEndpoints();
        app.MapDatasetEndpoints();
        app.MapServiceEndpoints();
        app.MapClusterEndpoints();
        app.MapHub<RunHub>(RunHub.Path);
        // The charts send large JSON payloads over the circuit; compressing them costs more CPU than it saves on
        // this machine (the dashboard is meant for loopback or a LAN).
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.DisableWebSocketCompression = true);
        return app;
    }
}
