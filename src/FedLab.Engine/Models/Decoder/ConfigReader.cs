using System.Text.Json;

namespace FedLab.Engine.Models.Decoder;

/// <summary>Typed reads of a config.json object whose errors name the file and the field.</summary>
internal sealed class ConfigReader(JsonElement element, string path)
{
    public string Path { get; } = path;

    public int Int(string name) => OptionalInt(name) ?? throw Missing(name);

    public double Double(string name) => OptionalDouble(name) ?? throw Missing(name);

    public int? OptionalInt(string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0)
        {
            value = value[0]; // eos_token_id may be a list: the first is the one generation stops at by default
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int i) ? i : throw Invalid(name, "an integer");
    }

    public double? OptionalDouble(string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw Invalid(name, "a number");
    }

    public bool? OptionalBool(string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid(name, "true or false"),
        };
    }

    public string? String(string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public ConfigReader? Object(string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? new ConfigReader(value, Path) : null;

    /// <summary>A JSON file's bytes without the UTF-8 byte-order mark some editors write.</summary>
    public static ReadOnlyMemory<byte> JsonBytes(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes.AsMemory(3) : bytes;
    }

    private InvalidDataException Missing(string name) => new($"{Path}: '{name}' is missing");

    private InvalidDataException Invalid(string name, string expected) => new($"{Path}: '{name}' must be {expected}");
}
