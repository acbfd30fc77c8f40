using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedLab.Engine.Runs;

/// <summary>
/// Strict JSON for run specs. Unlike ASP.NET's web defaults, a number given as a string, a duplicate key,
/// an unknown field, a missing required field or a null where a value is needed is an error naming the field.
/// The one parse policy of every way in (REST API, CLI files, compare files, experiments, the form): text is
/// UTF-8 (a BOM is allowed; UTF-16/32 and invalid bytes are refused, see <see cref="DecodeUtf8"/>); <c>//</c> and
/// <c>/* */</c> comments are allowed (a researcher's spec file may explain itself); trailing commas are not.
/// </summary>
public static class RunSpecJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>
    /// For results (the CLI's <c>--out</c> file, the compare report): like <see cref="Options"/>, but a metric that is
    /// NaN or ±∞ (a diverged run) is written as the JSON string "NaN", "Infinity" or "-Infinity" instead of failing
    /// the whole file. The export and the hub use the same convention.
    /// </summary>
    public static JsonSerializerOptions OutputOptions { get; } = CreateOptions(JsonNumberHandling.AllowNamedFloatingPointLiterals);

    public static JsonSerializerOptions CreateOptions() => CreateOptions(JsonNumberHandling.Strict);

    private static JsonSerializerOptions CreateOptions(JsonNumberHandling numbers)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            NumberHandling = numbers,
            AllowDuplicateProperties = false,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            PropertyNameCaseInsensitive = false,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = false,
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>
    /// The same comment and comma rules for documents read as a whole (experiments, compare files): comments yes,
    /// trailing commas no. Duplicate keys are left to the reader, which names the field (or sets
    /// AllowDuplicateProperties = false itself).
    /// </summary>
    public static JsonDocumentOptions DocumentOptions { get; } = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
    };

    public static string Serialize(RunSpec spec) => JsonSerializer.Serialize(spec, Options);

    /// <summary>
    /// The spec as a run stores and exports it: like <see cref="Serialize"/>, without the options sections of the
    /// frameworks it does not use (a FedLLM run carries no "kd" or "split"). Parsing it gives the same spec back: a
    /// missing section takes its defaults.
    /// </summary>
    public static string SerializeStored(RunSpec spec)
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(Serialize(spec))!.AsObject();
        foreach (var other in Frameworks.FrameworkRegistry.All.Where(f => f.Name != spec.Framework && f is Frameworks.IBuiltInOptions && f.OptionsSection is not null))
        {
            root.Remove(other.OptionsSection!);
        }
        return root.ToJsonString(Options);
    }

    /// <summary>
    /// Spec text from bytes (a request body, a file): UTF-8, with or without a BOM. UTF-16 and UTF-32 (by their BOM
    /// or, without one, by their NUL bytes) and invalid UTF-8 are refused with <see cref="RunSpecException"/> at
    /// field "$", saying to save the file as UTF-8.
    /// </summary>
    public static string DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        static RunSpecException Refuse(string message) => new([new SpecError("$", message)]);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]) || bytes.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            throw Refuse("the spec is UTF-32 text; save it as UTF-8");
        }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            throw Refuse("the spec is UTF-16 text; save it as UTF-8");
        }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }
        if (bytes.IndexOf((byte)0) is int nul and >= 0)
        {
            throw Refuse($"the spec holds a NUL byte at offset {nul} (UTF-16 text without a byte order mark?); save it as UTF-8");
        }
        var chars = new char[bytes.Length];
        var status = System.Text.Unicode.Utf8.ToUtf16(bytes, chars, out int read, out int written, replaceInvalidSequences: false);
        return status == System.Buffers.OperationStatus.Done
            ? new string(chars, 0, written)
            : throw Refuse($"the spec is not valid UTF-8 (first invalid byte at offset {read}); save it as UTF-8");
    }

    /// <summary>Parses and validates; throws <see cref="RunSpecException"/> listing every problem.</summary>
    public static RunSpec ParseAndValidate(string json, RunSpecValidator? validator = null)
    {
        var spec = Parse(json);
        var errors = (validator ?? new RunSpecValidator()).Validate(spec);
        return errors.Count == 0 ? spec : throw new RunSpecException(errors);
    }

    /// <summary>Parses strictly; throws <see cref="RunSpecException"/> with the field that is wrong.</summary>
    public static RunSpec Parse(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new RunSpecException([new SpecError("$", "the spec is empty")]);
        }
        if (UnknownTopLevelField(json) is { } unknown)
        {
            throw new RunSpecException([unknown]);
        }
        try
        {
            var spec = JsonSerializer.Deserialize<RunSpec>(json, Options)
                ?? throw new RunSpecException([new SpecError("$", "the spec is null")]);
            spec = WithoutSchemaKey(spec);
            var sectionErrors = Frameworks.FrameworkOptions.CheckSections(spec).ToList();
            return sectionErrors.Count == 0 ? spec : throw new RunSpecException(sectionErrors);
        }
        catch (JsonException ex)
        {
            throw new RunSpecException([Describe(ex)]);
        }
    }

    /// <summary>The editor's <c>"$schema"</c> key (<see cref="RunSpecSchema"/>): allowed at the top when it is a string, never stored.</summary>
    public const string SchemaKey = "$schema";

    private static RunSpec WithoutSchemaKey(RunSpec spec)
    {
        if (spec.Sections is not { } sections || !sections.TryGetValue(SchemaKey, out var value))
        {
            return spec;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new RunSpecException([new SpecError(SchemaKey, "must be a string (the URL or path of the spec's JSON Schema)")]);
        }
        var rest = sections.Where(s => s.Key != SchemaKey).ToDictionary();
        return spec with { Sections = rest.Count == 0 ? null : rest };
    }

    /// <summary>
    /// A top-level field that is neither the spec's own nor a registered framework's section. Checked before the
    /// serializer runs (which collects such fields for framework sections), so an unknown field is reported as such
    /// even when required fields are missing too, as it was before framework sections existed.
    /// </summary>
    private static SpecError? UnknownTopLevelField(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Name != SchemaKey && !Frameworks.FrameworkOptions.IsReservedSection(property.Name) && Frameworks.FrameworkRegistry.BySection(property.Name) is null)
                {
                    return new SpecError(property.Name, "unknown field");
                }
            }
        }
        catch (JsonException)
        {
            // not JSON: the serializer says where
        }
        return null;
    }

    /// <summary>The field a <see cref="JsonException"/> is about and what is wrong, in plain words.</summary>
    /// <param name="under">The section the parsed JSON came from, prefixed to the field (null for a whole spec).</param>
    public static SpecError Describe(JsonException ex, string? under = null)
    {
        var field = FieldFromPath(ex.Path);
        if (under is not null)
        {
            field = field == "$" ? under : $"{under}.{field}";
        }
        var message = ex.Message;
        // System.Text.Json appends "Path: $.x | LineNumber: n | BytePositionInLine: m." — keep the first part
        // and say where in plain words.
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }
        if (message.Contains("missing required properties", StringComparison.Ordinal))
        {
            int start = message.IndexOf("including: ", StringComparison.Ordinal);
            var names = start >= 0 ? message[(start + "including: ".Length)..].TrimEnd('.').Replace("'", "", StringComparison.Ordinal) : "";
            var missing = names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (missing.Length > 0)
            {
                // Report at the missing field itself: "training", "partition.clients".
                var first = missing[0];
                field = field == "$" ? first : $"{field}.{first}";
                return new SpecError(field, missing.Length == 1 ? "is required" : $"is required (also missing here: {string.Join(", ", missing.Skip(1))})");
            }
            message = "missing required field(s)";
        }
        else if (message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            message = "unknown field";
        }
        else if (message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            message = "duplicate field";
        }
        else if (message.Contains("could not be converted", StringComparison.Ordinal))
        {
            message = ExpectedValue(message) ?? "wrong type or value (numbers must be JSON numbers, enums one of the documented names)";
        }
        else if (message.Contains("null", StringComparison.OrdinalIgnoreCase) && message.Contains("non-nullable", StringComparison.OrdinalIgnoreCase))
        {
            message = "must not be null";
        }
        if (ex.LineNumber is long line)
        {
            message += $" (line {line + 1})";
        }
        return new SpecError(field, message);
    }

    /// <summary>
    /// What the field needed, from the serializer's "could not be converted to System.Int32": "must be a whole
    /// number" (so 2.5 clients says so), "must be a number", "must be true or false", an enum's names.
    /// </summary>
    private static string? ExpectedValue(string message)
    {
        const string marker = "converted to ";
        int at = message.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }
        // "System.Int32." or "System.Nullable`1[System.Int32]." (or with an assembly-qualified inner name).
        var match = System.Text.RegularExpressions.Regex.Match(message[(at + marker.Length)..], @"^(?:System\.Nullable`1\[\[?)?([A-Za-z0-9_.+]+)");
        var typeName = match.Success ? match.Groups[1].Value.TrimEnd('.') : "";
        return typeName switch
        {
            "System.Int32" or "System.Int64" or "System.Int16" or "System.UInt32" or "System.UInt64" => "must be a whole number (a JSON number without a fraction)",
            "System.Double" or "System.Single" or "System.Decimal" => "must be a number (a JSON number, not a string)",
            "System.Boolean" => "must be true or false",
            "System.String" => "must be a string",
            _ when typeof(RunSpec).Assembly.GetType(typeName) is { IsEnum: true } e =>
                $"must be one of {string.Join(", ", Enum.GetValues(e).Cast<object>().Select(v => JsonSerializer.Serialize(v, e, Options).Trim('"')))}",
            _ => null,
        };
    }

    private static string FieldFromPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "$";
        }
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }
}
