namespace FedLab.Web;

/// <summary>
/// The "FedLab" section of appsettings.json. Relative paths resolve against the current directory, so the
/// dashboard and the headless commands started from the same folder share one database.
/// Checked at start by <see cref="Hosting.FedLabSettingsValidator"/>.
/// </summary>
public sealed class FedLabSettings
{
    public const string Section = "FedLab";

    /// <summary>
    /// Short names for local Hugging Face folders ("smollm2": "/models/SmolLM2-135M"): a spec's model may use the
    /// name, and the run form lists them. A spec may also name a folder path directly.
    /// </summary>
    public Dictionary<string, string> Models { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Holds fedlab.db (SQLite), checkpoints/ and uploads/.</summary>
    public string DataDirectory { get; set; } = ".fedlab";

    /// <summary>
    /// Where the dashboard listens (one or more URLs separated by ';'). Anything but loopback requires
    /// <see cref="AccessKey"/>. <c>--urls</c> or FEDLAB__URLS override it (port 0 picks a free port).
    /// </summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>
    /// Runs trained at the same time. 1 by default: libtorch's random generator is process-wide, so two runs
    /// interleaving draws (dropout masks, initialisations) are no longer bit-reproducible by seed; on 2 CPU
    /// cores they would also just share the same cores. Raise it for throughput on a large GPU box only.
    /// </summary>
    public int MaxConcurrentRuns { get; set; } = 1;

    /// <summary>Runs that may wait in the queue; creating more answers "queue full" and creates nothing.</summary>
    public int MaxQueuedRuns { get; set; } = 1000;

    /// <summary>Required (UI, API and hub) when serving beyond loopback.</summary>
    public string AccessKey { get; set; } = "";

    /// <summary>
    /// Sign-in attempts that carry a key (GET /login?key=..., POST /login) allowed per client address per
    /// <see cref="LoginAttemptWindowSeconds"/>; more get 429 until the window ends, even with the right key.
    /// </summary>
    public int MaxLoginAttempts { get; set; } = 10;

    /// <summary>The window of <see cref="MaxLoginAttempts"/>, in seconds.</summary>
    public int LoginAttemptWindowSeconds { get; set; } = 60;

    /// <summary>
    /// Host names (';'-separated, no port; "*.example.org" matches its subdomains, "*" any name) that requests
    /// may name in their Host header besides the loopback names (localhost, 127.0.0.0/8, [::1]). Any other
    /// name is refused with 400, which defeats DNS rebinding. With an access key and a bind beyond loopback,
    /// every name is accepted (see <see cref="Hosting.HostGuardMiddleware"/>).
    /// </summary>
    public string AllowedHosts { get; set; } = "";

    /// <summary>Largest dataset file accepted by the upload form and POST /api/datasets.</summary>
    public long MaxUploadBytes { get; set; } = 20_000_000;

    /// <summary>Most rows an uploaded dataset may have.</summary>
    public int MaxDatasetRows { get; set; } = 200_000;

    /// <summary>
    /// Most bytes of text a dataset upload may hold after decompression (.gz uploads): bounds what a small
    /// compressed file can expand to (a "zip bomb"), and with it the memory a parse may use (about twice this).
    /// </summary>
    public long MaxDecompressedBytes { get; set; } = 100_000_000;

    /// <summary>Longest field (a CSV field; a JSON line may be twice this) of an uploaded dataset.</summary>
    public int MaxFieldChars { get; set; } = 1_000_000;

    /// <summary>Largest JSON body (a run spec or an experiment) the API reads.</summary>
    public int MaxSpecBytes { get; set; } = 1_000_000;

    /// <summary>libtorch threads; 0 = one per core.</summary>
    public int EngineThreads { get; set; }

    public string DataDirectoryFullPath => Path.GetFullPath(DataDirectory);
    public string DatabasePath => Path.Combine(DataDirectoryFullPath, "fedlab.db");
    public string CheckpointDirectory => Path.Combine(DataDirectoryFullPath, "checkpoints");
    public string UploadDirectory => Path.Combine(DataDirectoryFullPath, "uploads");

    /// <summary>
    /// The engine's options from these settings: a dataset file named in a spec is read within the limits an upload
    /// has (a .gz counted after decompression), and uploaded-dataset references resolve in this data folder.
    /// </summary>
    public Engine.Federation.EngineOptions EngineOptions() => new()
    {
        Threads = EngineThreads,
        UserDatasetLimits = new Engine.Datasets.DatasetReadLimits(MaxDecompressedBytes, MaxFieldChars, MaxDatasetRows),
        UploadDirectory = UploadDirectory,
    };

    /// <summary>
    /// Where every run also writes TensorBoard event files (<c>tensorboard --logdir &lt;it&gt;</c>); a relative path is
    /// under the data directory. Empty (the default): no event files.
    /// </summary>
    public string? TensorBoardDirectory { get; set; }

    /// <summary><see cref="TensorBoardDirectory"/> as an absolute path; null when it is not set.</summary>
    public string? TensorBoardDirectoryFullPath => string.IsNullOrWhiteSpace(TensorBoardDirectory)
        ? null
        : Path.GetFullPath(TensorBoardDirectory, DataDirectoryFullPath);
}
