using System.Text;

namespace FedLab.DataImport;

/// <summary>Debian's `fortunes` package: a multi-class topic task from its largest categories.</summary>
internal static class FortunesImport
{
    public const string Package = "fortunes";
    public const string Version = "1:1.99.1-7.3"; // Debian 12 (bookworm)
    public const string FortunesFolder = "usr/share/games/fortunes";
    public const int Categories = 10;
    public const int MinChars = 10;
    public const int MaxChars = 1500;

    public static ImportedDataset FromExtractedPackage(string root, string debPath)
    {
        string folder = Path.Combine(root, FortunesFolder);
        var perCategory = new List<(string Category, List<string> Entries, int Raw)>();
        int rawTotal = 0, lengthDropped = 0, inCategoryRepeats = 0;
        foreach (string path in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            // .dat are strfile indexes, .u8 are symlinks to the same text; off/ (offensive) is a subfolder and
            // never listed by GetFiles.
            if (name.EndsWith(".dat", StringComparison.Ordinal) || name.EndsWith(".u8", StringComparison.Ordinal)
                || new FileInfo(path).LinkTarget is not null)
            {
                continue;
            }
            var raw = ReadEntries(path);
            rawTotal += raw.Count;
            var kept = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string entry in raw)
            {
                string text = TextCleaning.Normalise(entry);
                if (text.Length < MinChars || text.Length > MaxChars)
                {
                    lengthDropped++;
                }
                else if (!seen.Add(text))
                {
                    inCategoryRepeats++;
                }
                else
                {
                    kept.Add(text);
                }
            }
            perCategory.Add((name, kept, raw.Count));
        }

        var chosen = perCategory
            .OrderByDescending(c => c.Entries.Count)
            .ThenBy(c => c.Category, StringComparer.Ordinal)
            .Take(Categories)
            .OrderBy(c => c.Category, StringComparer.Ordinal)
            .ToList();
        string[] classNames = [.. chosen.Select(c => c.Category)];
        var examples = new List<(string Text, int Label)>();
        for (int label = 0; label < chosen.Count; label++)
        {
            examples.AddRange(chosen[label].Entries.Select(text => (text, label)));
        }
        var (unique, repeats, conflicts) = Deduplication.Apply(examples);

        return new ImportedDataset(
            Name: "fortunes",
            ClassNames: classNames,
            Examples: unique,
            Source: new DatasetSource(Package, Version, "Debian 12 (bookworm) apt",
                "BSD (debian/copyright: \"This program falls under the BSD copyright\", Copyright (c) 1991 The Regents of the University of California; 4-clause text with clause 3 deleted)",
                Path.GetFileName(debPath), Hashing.Sha256File(debPath)),
            Cleaning:
            [
                $"category files under /{FortunesFolder} (not the .dat indexes, not the .u8 links; the package has no off/ folder, which would be skipped)",
                "entries are the texts between lines holding only `%`",
                "overstrikes (`_\\bX`) become the struck character; control characters are removed; whitespace runs (line breaks included) become one space",
                $"entries of {MinChars}..{MaxChars} characters after that are kept; repeats within a category are kept once",
                $"the {Categories} categories with the most kept entries are the classes (names sorted alphabetically)",
                "a text that occurs in two of the chosen categories is dropped entirely",
            ],
            Stats:
            [
                new("category files", perCategory.Count),
                new("source entries (all categories)", rawTotal),
                new($"dropped: shorter than {MinChars} or longer than {MaxChars} characters", lengthDropped),
                new("dropped: repeated within a category", inCategoryRepeats),
                new("entries in the chosen categories", examples.Count),
                new("dropped: repeated text", repeats),
                new("dropped: same text in two chosen categories", conflicts),
                new("examples", unique.Count),
            ]);
    }

    private static List<string> ReadEntries(string path)
    {
        var entries = new List<string>();
        var current = new StringBuilder();
        foreach (string line in File.ReadLines(path, Encoding.UTF8))
        {
            if (line.TrimEnd('\r') == "%")
            {
                entries.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(line).Append('\n');
            }
        }
        if (current.ToString().Trim().Length > 0)
        {
            entries.Add(current.ToString()); // a last entry without a closing %
        }
        return entries;
    }
}
