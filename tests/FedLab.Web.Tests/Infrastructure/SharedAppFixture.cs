namespace FedLab.Web.Tests.Infrastructure;

/// <summary>One dashboard for a collection of tests; every test creates its own runs and names them uniquely.</summary>
public sealed class SharedAppFixture : IAsyncLifetime
{
    private TestApp? _app;

    public TestApp App => _app ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _app = await TestApp.StartAsync();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
