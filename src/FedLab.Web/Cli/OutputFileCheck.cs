namespace FedLab.Web.Cli;

/// <summary>
/// Checks, before a run starts, that an <c>--out</c> file can be written: its folder exists and a file of that name can
/// be opened for writing (it is created and removed again if it did not exist; an existing file is left as it is).
/// Training for hours and then failing to write the results is the thing this prevents.
/// </summary>
internal static class OutputFileCheck
{
    /// <summary>Null when the path is writable, else the message to show (the caller exits with code 2).</summary>
    public static string? Problem(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            if (Directory.Exists(full))
            {
                return $"--out '{path}' is a folder; name a file";
            }
            var folder = Path.GetDirectoryName(full);
            if (folder is not null && !Directory.Exists(folder))
            {
                return $"--out '{path}': the folder '{folder}' does not exist";
            }
            bool existed = File.Exists(full);
            using (new FileStream(full, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
            }
            if (!existed)
            {
                File.Delete(full);
            }
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"--out '{path}' cannot be written: {ex.Message}";
        }
    }
}
