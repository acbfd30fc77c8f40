namespace FedLab.Web.Tests.Infrastructure;

/// <summary>The Node script that checks the hub with @microsoft/signalr; installs its packages (npm ci) once.</summary>
public static class NodeClient
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task EnsureInstalledAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(RepoPaths.NodeClient, "node_modules", "@microsoft", "signalr")))
            {
                return;
            }
            var (exit, output, error) = await ProcessRunner.RunAsync("npm", "ci --no-audit --no-fund", RepoPaths.NodeClient, TimeSpan.FromMinutes(5));
            if (exit != 0)
            {
                throw new InvalidOperationException($"npm ci failed in {RepoPaths.NodeClient} ({exit}): {output} {error}");
            }
        }
        finally
        {
            Gate.Release();
        }
    }
}
