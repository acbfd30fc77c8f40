namespace FedLab.Engine.Tests.Datasets;

/// <summary>A temporary folder for test files, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Path = Directory.CreateTempSubdirectory("fedlab-test-").FullName;

    public string Path { get; }

    public string Write(string fileName, string content)
    {
        string path = System.IO.Path.Combine(Path, fileName);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
