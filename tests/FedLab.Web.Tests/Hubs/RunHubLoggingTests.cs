using System.Collections.Concurrent;
using FedLab.Engine.Federation;
using FedLab.Web.Hosting;
using FedLab.Web.Hubs;
using FedLab.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace FedLab.Web.Tests.Hubs;

/// <summary>A failed JoinRun is logged once, as a line without a stack trace (issue #10, item 9).</summary>
public sealed class RunHubLoggingTests(ITestOutputHelper output)
{
    private sealed class AllLogs : ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, string Category, string Message, Exception? Exception)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(AllLogs owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Entries.Enqueue((logLevel, category, formatter(state, exception), exception));
        }
    }

    [Fact]
    public async Task JoinUnknownRun_LogsOneLinePerFailure_WithoutStackTrace()
    {
        var data = Directory.CreateTempSubdirectory("fedlab-hublog-").FullName;
        var logs = new AllLogs();
        await using var app = FedLabWebApplication.Build(["--urls", "http://127.0.0.1:0", $"--FedLab:DataDirectory={data}"], builder =>
        {
            builder.Services.Replace(ServiceDescriptor.Singleton(new EngineOptions { Models = TestApp.Models }));
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(logs);
        });
        await app.StartAsync();
        try
        {
            var url = app.BoundUrls().First(u => u.StartsWith("http://", StringComparison.Ordinal)).TrimEnd('/');
            await using var connection = new HubConnectionBuilder().WithUrl(url + RunHub.Path).Build();
            await connection.StartAsync();
            var ids = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
            foreach (var id in ids)
            {
                var error = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<RunSnapshotMessage>("JoinRun", id));
                Assert.Contains("there is no run", error.Message, StringComparison.Ordinal);
            }
            await connection.StopAsync();

            foreach (var e in logs.Entries.Where(e => e.Level >= LogLevel.Debug))
            {
                output.WriteLine($"{e.Level} {e.Category}: {e.Message} {(e.Exception is null ? "" : "EXCEPTION " + e.Exception.GetType().Name)}");
            }
            var visible = logs.Entries.Where(e => e.Level >= LogLevel.Information).ToList();
            Assert.DoesNotContain(visible, e => e.Exception is not null || e.Message.Contains("   at ", StringComparison.Ordinal));
            foreach (var id in ids)
            {
                var lines = visible.Where(e => e.Message.Contains(id.ToString(), StringComparison.Ordinal)).ToList();
                var line = Assert.Single(lines);
                Assert.InRange(line.Level, LogLevel.Information, LogLevel.Warning);
            }
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
