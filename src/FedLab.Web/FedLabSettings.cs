namespace FedLab.Web;

/// <summary>
/// The "FedLab" section of appsettings.json. Relative paths resolve against the current directory, so the
/// dashboard and the headless commands started from the same folder share one database.
/// </summary>
public sealed class FedLabSettings
{
    public const string Section = "FedLab";

    /// <summary>Holds fedlab.db (SQLite), checkpoints/ and uploads/.</summary>
    public string DataDirectory { get; set; } = ".fedlab";

    /// <summary>Where the dashboard listens. Anything but loopback requires <see cref="AccessKey"/>.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    public int MaxConcurrentRuns { get; set; } = 1;

    /// <summary>Required (UI, API and hub) when serving beyond loopback.</summary>
    public string AccessKey { get; set; } = "";

    public long MaxUploadBytes { get; set; } = 20_000_000;

    public int MaxDatasetRows { get; set; } = 200_000;

    /// <summary>libtorch threads; 0 = one per core.</summary>
    public int EngineThreads { get; set; }

    public string DataDirectoryFullPath => Path.GetFullPath(DataDirectory);
    public string DatabasePath => Path.Combine(DataDirectoryFullPath, "fedlab.db");
    public string CheckpointDirectory => Path.Combine(DataDirectoryFullPath, "checkpoints");
    public string UploadDirectory => Path.Combine(DataDirectoryFullPath, "uploads");
}
