namespace FedLab.Web.Cli;

/// <summary>Parses <c>command --name value ...</c>; unknown or repeated options are errors.</summary>
internal sealed class CliArguments
{
    private readonly Dictionary<string, string> _values;

    private CliArguments(string command, Dictionary<string, string> values)
    {
        Command = command;
        _values = values;
    }

    public string Command { get; }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public static CliArguments Parse(string[] args, IReadOnlyCollection<string> allowed)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{arg}'");
            }
            var name = arg[2..];
            if (!allowed.Contains(name))
            {
                throw new ArgumentException($"unknown option '{arg}'; options: {string.Join(", ", allowed.Select(a => "--" + a))}");
            }
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"option '{arg}' needs a value");
            }
            if (!values.TryAdd(name, args[++i]))
            {
                throw new ArgumentException($"option '{arg}' given twice");
            }
        }
        return new CliArguments(args[0], values);
    }
}
