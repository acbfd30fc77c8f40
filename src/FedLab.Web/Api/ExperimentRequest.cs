using System.Text.Json;
using FedLab.Engine.Runs;
using FedLab.Web.Specs;

namespace FedLab.Web.Api;

/// <summary>
/// POST /api/experiments: <c>{"name": "...", "description": "...", "base": {run spec}, "frameworks": ["fedllm", ...]}</c>.
/// Parsed as strictly as a spec (unknown or duplicate fields are errors); frameworks defaults to every
/// federated framework the engine has. Each run is the base spec with its framework set.
/// </summary>
public sealed record ExperimentRequest(string Name, string? Description, RunSpec Base, IReadOnlyList<string> Frameworks)
{
    private static readonly HashSet<string> Known = ["name", "description", "base", "frameworks"];

    public static (ExperimentRequest? Request, IReadOnlyList<ApiError> Errors) Parse(string json)
    {
        var errors = new List<ApiError>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, RunSpecJson.DocumentOptions with { AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            return (null, [new ApiError("$", $"not valid JSON ({FirstSentence(ex.Message)})")]);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, [new ApiError("$", "must be a JSON object with name, base and frameworks")]);
            }
            foreach (var property in root.EnumerateObject().Where(p => !Known.Contains(p.Name)))
            {
                errors.Add(new ApiError(property.Name, "unknown field (expected name, description, base, frameworks)"));
            }

            string? name = ReadString(root, "name", errors);
            string? description = ReadString(root, "description", errors);
            RunSpec? baseSpec = null;
            if (!root.TryGetProperty("base", out var baseElement))
            {
                errors.Add(new ApiError("base", "missing: the run spec every framework runs with"));
            }
            else
            {
                try
                {
                    baseSpec = RunSpecJson.Parse(baseElement.GetRawText());
                }
                catch (RunSpecException ex)
                {
                    errors.AddRange(ApiErrors.From(ex.Errors, "base").Errors);
                }
            }
            var frameworks = ReadFrameworks(root, errors);
            if (errors.Count > 0 || baseSpec is null)
            {
                return (null, errors);
            }
            return (new ExperimentRequest(string.IsNullOrWhiteSpace(name) ? baseSpec.Name : name, description, baseSpec, frameworks), errors);
        }
    }

    private static string? ReadString(JsonElement root, string field, List<ApiError> errors)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(new ApiError(field, "must be a string"));
            return null;
        }
        var text = value.GetString()!;
        if (text.Length > 2000)
        {
            errors.Add(new ApiError(field, "must be at most 2000 characters"));
        }
        return text;
    }

    private static List<string> ReadFrameworks(JsonElement root, List<ApiError> errors)
    {
        if (!root.TryGetProperty("frameworks", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return [.. FrameworkCatalog.Federated.Select(f => f.Kind)];
        }
        var names = string.Join(", ", FrameworkCatalog.All.Select(f => f.JsonName));
        if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() == 0)
        {
            errors.Add(new ApiError("frameworks", $"must be a non-empty array of framework names ({names})"));
            return [];
        }
        var kinds = new List<string>();
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var info = item.ValueKind == JsonValueKind.String ? FrameworkCatalog.Find(item.GetString()!) : null;
            if (info is null)
            {
                errors.Add(new ApiError($"frameworks[{i}]", $"unknown framework {item.GetRawText()}; use one of {names}"));
            }
            else if (kinds.Contains(info.Kind))
            {
                errors.Add(new ApiError($"frameworks[{i}]", $"'{info.JsonName}' is listed twice"));
            }
            else
            {
                kinds.Add(info.Kind);
            }
            i++;
        }
        return kinds;
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
