using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using FedLab.Engine.Runs;

namespace FedLab.Web.Tests.Infrastructure;

/// <summary>
/// Mutates the example run specs in examples/ (compare files excluded): removes a field, sets it to null or to a
/// value of the wrong type, puts out-of-range, huge or odd Unicode values in, or breaks the text itself (truncated,
/// stray bytes, duplicate keys, trailing commas, other encodings, deep nesting, not JSON at all).
/// </summary>
public static class SpecMutator
{
    public const int Kinds = 12;

    private static readonly string[] ExampleFiles = [.. Directory.GetFiles(Path.Combine(RepoPaths.Root, "examples"), "*.json")
        .Where(f => !Path.GetFileName(f).StartsWith("compare", StringComparison.Ordinal) && !Path.GetFileName(f).StartsWith("study-", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    private static readonly string[] Texts = [.. ExampleFiles.Select(File.ReadAllText)];

    private static readonly JsonSerializerOptions Write = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonNode?[] OddValues =
    [
        null, JsonValue.Create(-1), JsonValue.Create(0), JsonValue.Create(1e308), JsonValue.Create(-1e308), JsonValue.Create(1e-300),
        JsonValue.Create(2147483648L), JsonValue.Create(9.3e18), JsonValue.Create(1.5), JsonValue.Create(-0.0), JsonValue.Create(true),
        JsonValue.Create("3"), JsonValue.Create(""), new JsonArray(), new JsonObject(), new JsonArray(JsonValue.Create(1), JsonValue.Create("a")),
        JsonValue.Create("NaN"), JsonValue.Create("Infinity"), JsonValue.Create(long.MaxValue), JsonValue.Create(ulong.MaxValue),
    ];

    private static readonly string[] OddStrings =
    [
        "\u0000", "\u001b[2J\u001b]0;pwned\u0007", "\ud800", "\udc00x", "\u202eevil", "\u200b", "😀🏳️‍🌈", "e\u0301\u0301\u0301", "\uFEFF",
        "line\nbreak", "\u0085", "\u009b31m", "..\\..\\etc\\passwd", "/etc/passwd", "/dev/zero", "/proc/self/fd/0", "C:\\con", "con.csv",
        "x.csv.gz", "x.ndjson", " ", "fedllm ", "FEDLLM", "tiny\u0000", "ｓｐａｍ",
    ];

    /// <summary>The CsCheck generator of cases.</summary>
    public static Gen<SpecFuzzCase> Cases { get; } = Gen.Select(Gen.Int[0, Texts.Length - 1], Gen.Int[0, Kinds - 1], Gen.Int[0, 10_000], Gen.Int[0, 10_000],
        (example, kind, where, value) => new SpecFuzzCase(example, kind, where, value));

    public static string Describe(SpecFuzzCase c)
    {
        var name = Path.GetFileName(ExampleFiles[c.Example]);
        return c.Kind switch
        {
            0 => $"{name}: remove {PathAt(c)}",
            1 => $"{name}: {PathAt(c)} = null",
            2 => $"{name}: {PathAt(c)} = {OddValues[c.Value % OddValues.Length]?.ToJsonString() ?? "null"}",
            3 => $"{name}: {PathAt(c)} = odd string #{c.Value % OddStrings.Length}",
            4 => $"{name}: {PathAt(c)} = a string of {HugeLength(c):N0} characters",
            5 => $"{name}: add an unknown field at {PathAt(c)}",
            6 => $"{name}: truncated at {c.Where % Math.Max(1, Texts[c.Example].Length)}",
            7 => $"{name}: byte 0x{c.Value % 256:X2} inserted at {c.Where % Math.Max(1, Texts[c.Example].Length)}",
            8 => $"{name}: duplicate key / trailing comma #{c.Value % 3}",
            9 => $"{name}: encoded as {Encodings[c.Value % Encodings.Length]}",
            10 => $"nesting {1 + c.Value % 5_000} deep",
            _ => $"not a spec #{c.Value % NotSpecs.Length}",
        };
    }

    private static readonly string[] Encodings = ["utf-16le", "utf-16le+bom", "utf-16be+bom", "utf-32le+bom", "latin-1"];

    private static readonly string[] NotSpecs = ["", " ", "null", "[]", "123", "\"spec\"", "{", "}", "{}", "true", "<spec/>", "name: x", "{\"a\":1}{\"b\":2}", "\u0000", "// only a comment"];

    private static int HugeLength(SpecFuzzCase c) => c.Value % 2 == 0 ? 1_000_000 : 100_000 + c.Value * 10;

    /// <summary>The bytes of the mutated spec.</summary>
    public static byte[] Bytes(SpecFuzzCase c)
    {
        var text = Texts[c.Example];
        switch (c.Kind)
        {
            case <= 5:
                var root = JsonNode.Parse(text, documentOptions: RunSpecJson.DocumentOptions)!;
                MutateTree(root, c);
                return Encoding.UTF8.GetBytes(root.ToJsonString(Write));
            case 6:
                return Encoding.UTF8.GetBytes(text[..(c.Where % Math.Max(1, text.Length))]);
            case 7:
                var bytes = Encoding.UTF8.GetBytes(text).ToList();
                bytes.Insert(c.Where % bytes.Count, (byte)(c.Value % 256));
                return [.. bytes];
            case 8:
                return Encoding.UTF8.GetBytes((c.Value % 3) switch
                {
                    0 => text.Insert(text.IndexOf('{') + 1, "\"seed\": 1, "),
                    1 => text[..text.LastIndexOf('}')] + ",}",
                    _ => text.Replace("\"model\"", "\"model\": \"tiny\", \"model\"", StringComparison.Ordinal),
                });
            case 9:
                return Encodings[c.Value % Encodings.Length] switch
                {
                    "utf-16le" => Encoding.Unicode.GetBytes(text),
                    "utf-16le+bom" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)],
                    "utf-16be+bom" => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(text)],
                    "utf-32le+bom" => [.. Encoding.UTF32.GetPreamble(), .. Encoding.UTF32.GetBytes(text)],
                    _ => Encoding.Latin1.GetBytes(text.Replace("\"name\": \"", "\"name\": \"café ", StringComparison.Ordinal)),
                };
            case 10:
                int depth = 1 + c.Value % 5_000;
                return Encoding.UTF8.GetBytes(text.Replace("\"seed\"", $"\"deep\": {new string('[', depth)}{new string(']', depth)}, \"seed\"", StringComparison.Ordinal));
            default:
                return Encoding.UTF8.GetBytes(NotSpecs[c.Value % NotSpecs.Length]);
        }
    }

    private static void MutateTree(JsonNode root, SpecFuzzCase c)
    {
        var (parent, key, index) = Locate(root, c.Where);
        JsonNode? Replacement() => c.Kind switch
        {
            1 => null,
            2 => OddValues[c.Value % OddValues.Length]?.DeepClone(),
            3 => JsonValue.Create(OddStrings[c.Value % OddStrings.Length]),
            _ => JsonValue.Create(new string('x', HugeLength(c))),
        };
        switch (c.Kind)
        {
            case 0 when key is not null:
                ((JsonObject)parent).Remove(key);
                break;
            case 0:
                ((JsonArray)parent).RemoveAt(index);
                break;
            case 5:
                (parent as JsonObject ?? root.AsObject())["zz" + c.Value] = 1;
                break;
            default:
                if (key is not null)
                {
                    parent[key] = Replacement();
                }
                else
                {
                    parent[index] = Replacement();
                }
                break;
        }
    }

    private static string PathAt(SpecFuzzCase c)
    {
        var root = JsonNode.Parse(Texts[c.Example], documentOptions: RunSpecJson.DocumentOptions)!;
        var (parent, key, index) = Locate(root, c.Where);
        return key is not null ? $"{parent.GetPath()}.{key}" : $"{parent.GetPath()}[{index}]";
    }

    /// <summary>The <paramref name="where"/>-th member (object property or array element) of the document, cycling.</summary>
    private static (JsonNode Parent, string? Key, int Index) Locate(JsonNode root, int where)
    {
        var members = new List<(JsonNode, string?, int)>();
        void Walk(JsonNode node)
        {
            if (node is JsonObject o)
            {
                foreach (var (k, v) in o)
                {
                    members.Add((o, k, -1));
                    if (v is not null)
                    {
                        Walk(v);
                    }
                }
            }
            else if (node is JsonArray a)
            {
                for (int i = 0; i < a.Count; i++)
                {
                    members.Add((a, null, i));
                    if (a[i] is { } v)
                    {
                        Walk(v);
                    }
                }
            }
        }
        Walk(root);
        return members[where % members.Count];
    }
}
