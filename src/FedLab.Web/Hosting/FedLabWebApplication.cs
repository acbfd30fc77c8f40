namespace FedLab.Web.Hosting;

/// <summary>Builds the dashboard's web application; tests and the benchmark start it the same way.</summary>
public static class FedLabWebApplication
{
    /// <param name="configureServices">Runs after the dashboard's registrations (tests replace services here).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configureServices = null)
    {
        // Content root = the output folder: appsettings.json and wwwroot are copied there by the build, while
        // the working directory stays the user's (relative data paths resolve against it).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // The static web assets manifests are named after this assembly, also when a test host or the
            // benchmark is the entry assembly.
            ApplicationName = typeof(FedLabWebApplication).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.AddFedLabWeb();
        configureServices?.Invoke(builder);
        // Check the settings before the host exists, so a bad setting is one clear message rather than a
        // hosting failure logged with a stack trace (ValidateOnStart stays as the second line).
        var settings = builder.Configuration.GetSection(FedLabSettings.Section).Get<FedLabSettings>() ?? new FedLabSettings();
        var verdict = new FedLabSettingsValidator().Validate(null, settings);
        if (verdict.Failed)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(FedLabSettings.Section, typeof(FedLabSettings), verdict.Failures);
        }
        Cli.ModelFolders.Register(settings.Models);
        var app = builder.Build();
        app.UseFedLabWeb();
        return app;
    }

    /// <summary>
    /// Starts the app and checks the addresses Kestrel actually bound, whatever configured them (FedLab:Urls,
    /// --urls, ASPNETCORE_URLS, a Kestrel:Endpoints section, ...): serving beyond loopback without an access key
    /// stops the app again and throws <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>
    /// with the message to show. The settings validator refuses what it can see before start; this catches the
    /// rest. (Until the check has run, <see cref="AccessKeyMiddleware"/> already refuses non-loopback requests.)
    /// </summary>
    public static async Task StartCheckedAsync(this WebApplication app, CancellationToken ct = default)
    {
        await app.StartAsync(ct);
        var settings = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FedLabSettings>>().Value;
        var exposed = ListenAddresses.Exposed(app.BoundUrls());
        if (exposed.Count > 0 && string.IsNullOrEmpty(settings.AccessKey))
        {
            await app.StopAsync(CancellationToken.None);
            throw new Microsoft.Extensions.Options.OptionsValidationException(FedLabSettings.Section, typeof(FedLabSettings),
            [
                $"refusing to serve on {string.Join(", ", exposed)} without an access key (the address came from the host's configuration, " +
                "e.g. a Kestrel__Endpoints__* or ASPNETCORE_* setting): anyone who can reach that address could start runs. " +
                $"Set FedLab:AccessKey (or the FEDLAB__ACCESSKEY environment variable) to a secret of at least {FedLabSettingsValidator.MinAccessKeyLength} characters, or bind to 127.0.0.1.",
            ]);
        }
    }

    /// <summary>The addresses actually bound (with the real port when port 0 was asked for).</summary>
    public static IReadOnlyList<string> BoundUrls(this WebApplication app) =>
        app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.ToList() ?? [];
}
