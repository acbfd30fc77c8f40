using Bunit;
using FedLab.Data;
using FedLab.Engine.Federation;
using FedLab.Web.Api;
using FedLab.Web.Datasets;
using FedLab.Web.Hubs;
using FedLab.Web.Live;
using FedLab.Web.Queue;
using FedLab.Web.Specs;
using FedLab.Web.Tests.Infrastructure;
using FedLab.Web.Views;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace FedLab.Web.Tests.Components;

/// <summary>
/// bUnit with the dashboard's real services over a temporary SQLite file (the queue is registered but not
/// started: nothing trains), MudBlazor services with transitions off, and JS interop in loose mode so
/// every call (Plotly's included) is recorded for assertions.
/// </summary>
public sealed class DashboardTestContext : BunitContext
{
    /// <param name="cluster">The Workers view's cluster settings (default: no cluster).</param>
    public DashboardTestContext(FedLab.Cluster.ClusterSettings? cluster = null)
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "fedlab-bunit", Guid.NewGuid().ToString("N"));
        var settings = new FedLabSettings { DataDirectory = DataDirectory };
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        Services.AddSingleton(Options.Create(settings));
        Services.AddFedLabData(settings.DatabasePath, settings.CheckpointDirectory);
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton(new EngineOptions { Models = TestApp.Models });
        Services.AddSignalR();
        Services.AddSingleton<RunBroadcaster>();
        Services.AddSingleton<HubForwarder>();
        Services.AddSingleton<RunQueue>();
        Services.AddSingleton<RunSpecChecker>();
        Services.AddSingleton<PartitionPreviewer>();
        Services.AddSingleton<DatasetUploads>();
        Services.AddSingleton<RunVariants>();
        Services.AddSingleton<ClientRoundReader>();
        Services.AddSingleton<RunSnapshotReader>();
        Services.AddSingleton<FedLab.Web.Studies.StudyService>();
        Services.AddSingleton(new FedLab.Web.Cluster.ClusterCoordinator(cluster ?? new FedLab.Cluster.ClusterSettings()));
        Services.AddMudServices(o =>
        {
            o.PopoverOptions.CheckForPopoverProvider = false;
            o.SnackbarConfiguration.ShowTransitionDuration = 0;
            o.SnackbarConfiguration.HideTransitionDuration = 0;
        });
        DatabaseInitializer.MigrateAsync(Services.GetRequiredService<IDbContextFactory<FedLabDbContext>>(), CancellationToken.None).GetAwaiter().GetResult();
    }

    public string DataDirectory { get; }

    public RunStore Store => Services.GetRequiredService<RunStore>();

    public RunRecorderFactory Recorders => Services.GetRequiredService<RunRecorderFactory>();

    public RunBroadcaster Broadcaster => Services.GetRequiredService<RunBroadcaster>();

    /// <summary>The JS calls made so far with this identifier (on the runtime or on an imported module).</summary>
    public IReadOnlyList<JSRuntimeInvocation> Calls(string identifier) => [.. JSInterop.Invocations.Where(i => i.Identifier == identifier)];

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean up.
        }
    }
}
