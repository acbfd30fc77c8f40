using System.Diagnostics;

namespace FedLab.DataImport;

/// <summary>Runs the registry clients (npm, apt-get, dpkg-deb); the packages are never committed, only fetched.</summary>
internal static class ExternalTools
{
    public static string Run(string fileName, string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)
            ?? throw new InvalidOperationException($"could not start {fileName}");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}: {stderr.Result.Trim()}");
        }
        return stdout;
    }

    /// <summary>Fetches the pinned npm tarball into <paramref name="directory"/> and returns its path.</summary>
    public static string NpmPack(string packageSpec, string directory)
    {
        Run("npm", directory, "pack", packageSpec, "--silent");
        return Directory.GetFiles(directory, "*.tgz").Single();
    }

    /// <summary>Fetches the pinned Debian package, unpacks it and returns the extraction root.</summary>
    public static (string DebPath, string Root) AptDownloadAndExtract(string package, string version, string directory)
    {
        Run("apt-get", directory, "download", $"{package}={version}");
        string deb = Directory.GetFiles(directory, "*.deb").Single();
        string root = Path.Combine(directory, "extracted");
        Run("dpkg-deb", directory, "-x", deb, root);
        return (deb, root);
    }
}
