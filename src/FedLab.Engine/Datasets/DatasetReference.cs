using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace FedLab.Engine.Datasets;

/// <summary>
/// A portable name for an uploaded dataset: <c>upload:&lt;16 hex digits&gt;/&lt;file name&gt;</c>, the first 64 bits of
/// the SHA-256 of the file's plain text and the name the user gave it. A spec that names one runs on any machine
/// whose dashboard holds a file with that content (upload the same file there and it gets the same reference), and
/// it never carries a server's folder layout. Files live content-addressed under the data folder's
/// <c>uploads/&lt;hash&gt;/</c>, so the same content uploaded twice is stored once. The name part is what the pages
/// show; the hash alone selects the file.
/// </summary>
public static partial class DatasetReference
{
    public const string Prefix = "upload:";

    /// <summary>Hex digits of the content hash kept in a reference.</summary>
    public const int HashChars = 16;

    [GeneratedRegex("^upload:([0-9a-f]{16})/([^/\\\\]{1,200})$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>Whether the name is meant as a reference (starts with <c>upload:</c>), well formed or not.</summary>
    public static bool LooksLikeReference(string? name) => name is not null && name.StartsWith(Prefix, StringComparison.Ordinal);

    public static bool TryParse(string? name, out string hash, out string fileName)
    {
        var match = name is null ? Match.Empty : Pattern().Match(name);
        hash = match.Success ? match.Groups[1].Value : "";
        fileName = match.Success ? match.Groups[2].Value : "";
        return match.Success;
    }

    /// <summary>The problem with a name that starts with <c>upload:</c> but is not a reference; null when it is one.</summary>
    public static string? SyntaxProblem(string name) => TryParse(name, out _, out var file) && UserDatasetLoader.IsSupported(file)
        ? null
        : $"'{Runs.FreeText.Shown(name)}' is not a dataset reference: expected upload:<{HashChars} hex digits>/<file>.csv or .jsonl, as an upload returns it";

    public static string Format(string hash, string fileName) => $"{Prefix}{hash}/{fileName}";

    /// <summary>The first <see cref="HashChars"/> hex digits (lower case) of the SHA-256 of a file's bytes.</summary>
    public static string HashOf(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..HashChars];
    }

    /// <summary>The file a reference names in an uploads folder, or null when this machine does not hold it.</summary>
    public static string? Find(string uploadDirectory, string hash)
    {
        var folder = Path.Combine(uploadDirectory, hash);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder).Where(UserDatasetLoader.IsSupported).Order(StringComparer.Ordinal).FirstOrDefault()
            : null;
    }

    /// <summary>
    /// The file a dataset name reads: a reference resolved in the uploads folder (a clear error when this machine
    /// does not hold it), anything else unchanged.
    /// </summary>
    public static string Resolve(string name, string? uploadDirectory)
    {
        if (!LooksLikeReference(name))
        {
            return name;
        }
        if (SyntaxProblem(name) is string problem)
        {
            throw new DatasetFormatException(problem);
        }
        TryParse(name, out var hash, out var file);
        if (uploadDirectory is null)
        {
            throw new DatasetFormatException($"'{file}' is an uploaded dataset ({name}); this host has no uploads folder to find it in");
        }
        return Find(uploadDirectory, hash) ?? throw new DatasetFormatException(
            $"the uploaded dataset '{file}' ({name}) is not on this machine: upload the same file here (New run form or POST /api/datasets) and it gets the same reference");
    }

    /// <summary>What the pages show for a dataset name: a reference's file name, a legacy upload's name without its storage prefix.</summary>
    public static string Label(string name)
    {
        if (TryParse(name, out _, out var file))
        {
            return file;
        }
        if (DatasetCatalog.IsBundled(name))
        {
            return name;
        }
        var fileName = Path.GetFileName(name);
        int dash = fileName.IndexOf('-', StringComparison.Ordinal);
        return dash == 32 ? fileName[(dash + 1)..] : fileName;
    }
}
