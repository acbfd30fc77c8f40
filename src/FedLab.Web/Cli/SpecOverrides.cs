using System.Text.Json;
using System.Text.Json.Nodes;
using FedLab.Engine.Runs;

namespace FedLab.Web.Cli;

/// <summary>
/// <c>--set path=value</c> on a spec file before it is parsed: <c>training.rounds=5</c>, <c>framework=kd</c>,
/// <c>fineTune.lora.targets=["query","value"]</c>. The value is JSON when it reads as JSON (a number, true/false, null,
/// an array or object, a quoted string) and a plain string otherwise. Missing sections on the path are created. The
/// result is parsed with the same strict rules as the file, so a wrong type or an unknown field is still reported at
/// its path.
/// </summary>
internal static class SpecOverrides
{
    public static string Apply(string json, IReadOnlyList<string> overrides)
    {
        if (overrides.Count == 0)
        {
            return json;
        }
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: RunSpecJson.DocumentOptions) as JsonObject
                ?? throw new RunSpecException([new SpecError("$", "the spec is not a JSON object, so --set cannot apply")]);
        }
        catch (JsonException)
        {
            return json; // the strict parse reports where the file is broken
        }
        foreach (var item in overrides)
        {
            int eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new RunSpecException([new SpecError("--set", $"'{item}' is not path=value (for example training.rounds=5)")]);
            }
            var path = item[..eq].Trim();
            var parts = path.Split('.');
            if (parts.Any(p => p.Length == 0))
            {
                throw new RunSpecException([new SpecError("--set", $"'{path}' is not a field path (for example training.rounds)")]);
            }
            var node = root;
            for (int i = 0; i < parts.Length - 1; i++)
            {
                node = node[parts[i]] switch
                {
                    null => (JsonObject)(node[parts[i]] = new JsonObject()),
                    JsonObject child => child,
                    _ => throw new RunSpecException([new SpecError(string.Join('.', parts[..(i + 1)]), $"--set {path}: '{string.Join('.', parts[..(i + 1)])}' is a value, not a section")]),
                };
            }
            node[parts[^1]] = Value(item[(eq + 1)..]);
        }
        return root.ToJsonString();
    }

    private static JsonNode? Value(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
