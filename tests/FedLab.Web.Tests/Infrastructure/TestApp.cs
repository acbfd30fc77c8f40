using FedLab.Engine.Federation;
using FedLab.Engine.Models;
using FedLab.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace FedLab.Web.Tests.Infrastructure;

/// <summary>
/// The real dashboard (Kestrel on 127.0.0.1, port 0) with its own temporary data folder and SQLite file,
/// started exactly as Program.cs starts it.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public static ModelStore Models { get; } = new(cacheDirectory: Path.Combine(AppContext.BaseDirectory, "model-cache"));

    private TestApp(WebApplication app, string dataDirectory, CapturedLogs logs)
    {
        Logs = logs;
        App = app;
        DataDirectory = dataDirectory;
        BaseUrl = app.BoundUrls().First(u => u.StartsWith("http://", StringComparison.Ordinal)).TrimEnd('/');
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }
    public string DataDirectory { get; }
    public string BaseUrl { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => App.Services;

    /// <summary>The app's warnings and errors so far.</summary>
    public CapturedLogs Logs { get; }

    public static Task<TestApp> StartAsync(params string[] settings) => StartAsync(null, settings);

    /// <param name="configure">Runs after the test registrations (a test injects faults here).</param>
    public static async Task<TestApp> StartAsync(Action<WebApplicationBuilder>? configure, params string[] settings)
    {
        var data = Path.Combine(Path.GetTempPath(), "fedlab-web-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        string[] args = ["--urls", "http://127.0.0.1:0", $"--FedLab:DataDirectory={data}", .. settings];
        var logs = new CapturedLogs();
        var app = FedLabWebApplication.Build(args, builder =>
        {
            builder.Services.Replace(ServiceDescriptor.Singleton(new EngineOptions { Models = Models }));
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Logging.AddProvider(logs);
            configure?.Invoke(builder);
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new TestApp(app, data, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            await App.StopAsync();
        }
        finally
        {
            await App.DisposeAsync();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open on a slow shutdown; the temp folder is cleaned up by the OS eventually.
            }
        }
    }
}
