namespace FedLab.Web.Cli;

/// <summary>
/// Parses <c>command --name value ... --flag</c>; unknown options are errors, and so is a repeated one unless it is
/// repeatable (<c>--set a=1 --set b=2</c>). Flags take no value.
/// </summary>
internal sealed class CliArguments
{
    private readonly Dictionary<string, string> _values;
    private readonly List<(string Name, string Value)> _repeated;
    private readonly HashSet<string> _flags;

    private CliArguments(string command, Dictionary<string, string> values, List<(string, string)> repeated, HashSet<string> flags)
    {
        Command = command;
        _values = values;
        _repeated = repeated;
        _flags = flags;
    }

    public string Command { get; }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    /// <summary>Every value of a repeatable option, in order.</summary>
    public IReadOnlyList<string> GetAll(string name) => [.. _repeated.Where(r => r.Name == name).Select(r => r.Value)];

    public bool Has(string flag) => _flags.Contains(flag);

    public static CliArguments Parse(string[] args, IReadOnlyCollection<string> allowed) => Parse(args, allowed, [], []);

    public static CliArguments Parse(string[] args, IReadOnlyCollection<string> allowed, IReadOnlyCollection<string> flags, IReadOnlyCollection<string> repeatable)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var repeated = new List<(string, string)>();
        var set = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }
            var name = arg[2..];
            if (flags.Contains(name))
            {
                if (!set.Add(name))
                {
                    throw new ArgumentException($"option '{arg}' given twice");
                }
                continue;
            }
            if (!allowed.Contains(name) && !repeatable.Contains(name))
            {
                throw new ArgumentException($"unknown option '{arg}'; options: {string.Join(", ", allowed.Concat(repeatable).Concat(flags).Select(a => "--" + a))}");
            }
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"option '{arg}' needs a value");
            }
            if (repeatable.Contains(name))
            {
                repeated.Add((name, args[++i]));
                continue;
            }
            if (!values.TryAdd(name, args[++i]))
            {
                throw new ArgumentException($"option '{arg}' given twice");
            }
        }
        return new CliArguments(args[0], values, repeated, set);
    }
}
