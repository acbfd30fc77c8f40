namespace FedLab.Web.Tests.Infrastructure;

/// <summary>Folders of the repository, found by walking up from the test binaries to FedLab.sln.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string NodeClient => Path.Combine(Root, "tests", "FedLab.Web.Tests", "node");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FedLab.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"FedLab.sln not found above {AppContext.BaseDirectory}");
    }
}
