namespace FedLab.DataImport;

/// <summary>Command line: <c>[spam|fortunes|all] [--out data] [--spam-tgz file] [--fortunes-deb file]</c>.</summary>
internal sealed record ImportOptions(bool Spam, bool Fortunes, string OutDirectory, string? SpamTgz, string? FortunesDeb)
{
    public const string Usage =
        "usage: dotnet run --project tools/FedLab.DataImport -- [spam|fortunes|all] [--out data] [--spam-tgz file.tgz] [--fortunes-deb file.deb]";

    public static ImportOptions Parse(IReadOnlyList<string> args)
    {
        string which = "all";
        string? outDir = null, spamTgz = null, fortunesDeb = null;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--out":
                    outDir = Value(args, ref i);
                    break;
                case "--spam-tgz":
                    spamTgz = Path.GetFullPath(Value(args, ref i));
                    break;
                case "--fortunes-deb":
                    fortunesDeb = Path.GetFullPath(Value(args, ref i));
                    break;
                case "spam" or "fortunes" or "all":
                    which = args[i];
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}'\n{Usage}");
            }
        }
        return new ImportOptions(
            Spam: which is "spam" or "all",
            Fortunes: which is "fortunes" or "all",
            OutDirectory: Path.GetFullPath(outDir ?? Path.Combine(RepoRoot(), "data")),
            SpamTgz: spamTgz,
            FortunesDeb: fortunesDeb);
    }

    private static string Value(IReadOnlyList<string> args, ref int i) =>
        ++i < args.Count ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value\n{Usage}");

    // Without --out, write into the repository's data/ folder even when run from a subfolder.
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FedLab.sln")))
            {
                return dir.FullName;
            }
        }
        return Environment.CurrentDirectory;
    }
}
