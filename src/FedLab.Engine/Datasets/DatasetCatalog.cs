namespace FedLab.Engine.Datasets;

/// <summary>Finds datasets by name (the bundled ones) or by path (a user's .csv or .jsonl file).</summary>
public static class DatasetCatalog
{
    private static readonly string[] Bundled = ["spam", "fortunes", Tasks.Generative.InstructionDatasets.SpamYesNo];

    /// <summary>Names of the datasets shipped under data/ (see data/README.md for sources and licences).</summary>
    public static IReadOnlyList<string> BundledNames { get; } = Array.AsReadOnly(Bundled);

    /// <summary>Where the build copies the repository's data/ folder.</summary>
    public static string DefaultDataDirectory => Path.Combine(AppContext.BaseDirectory, "data");

    public static bool IsBundled(string name) =>
        Bundled.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A bundled name reads <c>&lt;dataDirectory&gt;/&lt;name&gt;.jsonl.gz</c>, whose split is fixed in the file
    /// (<paramref name="splitSeed"/> does not apply); anything else is a path given to <see cref="UserDatasetLoader"/>.
    /// </summary>
    public static TextDataset Load(string nameOrPath, string? dataDirectory = null, int splitSeed = UserDatasetLoader.DefaultSplitSeed,
        DatasetReadLimits? userLimits = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        if (!IsBundled(nameOrPath))
        {
            return userLimits is null ? UserDatasetLoader.Load(nameOrPath, splitSeed) : UserDatasetLoader.Load(nameOrPath, userLimits, splitSeed);
        }
        string name = nameOrPath.ToLowerInvariant();
        if (Tasks.Generative.InstructionDatasets.IsBundled(name))
        {
            // The generative question is made from the spam corpus at load time (same examples, same split).
            return Tasks.Generative.InstructionDatasets.FromSpam(Load("spam", dataDirectory, splitSeed, userLimits));
        }
        string path = Path.Combine(dataDirectory ?? DefaultDataDirectory, name + ".jsonl.gz");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"bundled dataset '{name}' not found at {path}; regenerate it with `dotnet run --project tools/FedLab.DataImport -- {name}`",
                path);
        }
        using var reader = UserDatasetLoader.OpenText(path, gzip: true);
        return UserDatasetLoader.Load(reader, UserFileFormat.JsonLines, name, splitSeed, int.MaxValue);
    }
}
