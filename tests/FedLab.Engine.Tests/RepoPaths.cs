namespace FedLab.Engine.Tests;

/// <summary>Finds the repository root (the folder holding FedLab.sln) from the test output folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FedLab.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("FedLab.sln not found above " + AppContext.BaseDirectory);
    }
}
