using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace FedLab.Engine.Models.Decoder;

/// <summary>
/// A decoder's tokenizer read from tokenizer.json and run by Microsoft.ML.Tokenizers' BPE: byte-level BPE with the
/// file's split regex (GPT-2, Llama 3, Qwen2/3) or SentencePiece-style BPE with byte fallback (Llama 2: "▁" for
/// spaces, a leading "▁", characters outside the vocabulary as their UTF-8 bytes &lt;0xXX&gt;). The begin-of-text
/// token is added when tokenizer_config.json's add_bos_token says so or, without it, when the file's post-processor
/// template starts with one.
/// </summary>
public sealed class HfTokenizer : ITextTokenizer
{
    /// <summary>GPT-2's split pattern, which a ByteLevel pre-tokenizer with use_regex applies.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly BpeTokenizer _bpe;
    private readonly bool _sentencePiece;
    private readonly IReadOnlyDictionary<string, int> _vocabulary;
    private readonly IReadOnlyDictionary<string, int> _special;

    private HfTokenizer(BpeTokenizer bpe, bool sentencePiece, IReadOnlyDictionary<string, int> vocabulary, IReadOnlyDictionary<string, int> special,
        int? bosId, int? eosId, int padId)
    {
        _bpe = bpe;
        _sentencePiece = sentencePiece;
        _vocabulary = vocabulary;
        _special = special;
        BosId = bosId;
        EosId = eosId;
        PadId = padId;
    }

    public int PadId { get; }

    /// <summary>The begin-of-text id added in front of every text, when the tokenizer adds one.</summary>
    public int? BosId { get; }

    public int? EosId { get; }

    public IReadOnlyDictionary<string, int> SpecialTokens => _special;

    /// <summary>[begin-of-text] + the text's ids, at most <paramref name="maxTokens"/> in all.</summary>
    public int[] Encode(string text, int maxTokens)
    {
        var ids = new List<int>(Math.Min(maxTokens, 256));
        if (BosId is int bos && maxTokens > 0)
        {
            ids.Add(bos);
        }
        ids.AddRange(EncodeText(text, maxTokens - ids.Count));
        return ids.Count > maxTokens ? [.. ids.Take(maxTokens)] : [.. ids];
    }

    /// <summary>The text's ids without any added special token (the first <paramref name="maxTokens"/> of them).</summary>
    public IReadOnlyList<int> EncodeText(string text, int maxTokens = int.MaxValue)
    {
        if (maxTokens <= 0)
        {
            return [];
        }
        if (!_sentencePiece)
        {
            // Long texts (whole e-mails) are cut after maxTokens instead of being encoded whole.
            return maxTokens == int.MaxValue ? _bpe.EncodeToIds(text) : _bpe.EncodeToIds(text, maxTokens, out _, out _);
        }
        if (maxTokens != int.MaxValue)
        {
            // Each token covers at least one character, so a prefix of 8 characters per token (plus the rest of a
            // surrogate pair) yields at least maxTokens ids whose first maxTokens are those of the whole text,
            // except that the last merge may differ; a margin of characters keeps that merge intact.
            int take = (int)Math.Min(text.Length, (long)maxTokens * 8 + 64);
            if (take < text.Length)
            {
                if (char.IsHighSurrogate(text[take - 1]))
                {
                    take++;
                }
                var prefix = EncodeText(text[..take]);
                return prefix.Count > maxTokens ? [.. prefix.Take(maxTokens)] : prefix;
            }
        }
        // SentencePiece BPE: normalise (leading "▁", spaces to "▁"), then cut at characters outside the vocabulary:
        // no merge involves them, so encoding the runs between them separately is exact; they become byte tokens.
        if (text.Length == 0)
        {
            return []; // the normaliser's prepend applies to non-empty text only
        }
        var normalized = "\u2581" + text.Replace(" ", "\u2581", StringComparison.Ordinal);
        var result = new List<int>();
        int runStart = 0;
        int i = 0;
        while (i < normalized.Length)
        {
            int width = char.IsSurrogatePair(normalized, i) ? 2 : 1;
            var character = normalized.Substring(i, width);
            if (!_vocabulary.ContainsKey(character))
            {
                if (i > runStart)
                {
                    result.AddRange(_bpe.EncodeToIds(normalized[runStart..i], considerPreTokenization: true, considerNormalization: false));
                }
                foreach (var b in Encoding.UTF8.GetBytes(character))
                {
                    result.Add(_vocabulary.TryGetValue($"<0x{b:X2}>", out int id) ? id : throw new InvalidDataException($"tokenizer.json has no byte token <0x{b:X2}>"));
                }
                runStart = i + width;
            }
            i += width;
        }
        if (runStart < normalized.Length)
        {
            result.AddRange(_bpe.EncodeToIds(normalized[runStart..], considerPreTokenization: true, considerNormalization: false));
        }
        return result.Count > maxTokens ? [.. result.Take(maxTokens)] : result;
    }

    public string Decode(IEnumerable<int> ids) => _bpe.Decode(ids) ?? "";

    public static HfTokenizer Load(string folder)
    {
        var path = Path.Combine(folder, HfFolder.TokenizerFile);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{folder} has no {HfFolder.TokenizerFile}", path);
        }
        using var document = ParseJson(path);
        var root = document.RootElement;
        var model = root.GetProperty("model");
        string type = model.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
        if (type != "BPE")
        {
            throw new NotSupportedException($"{path}: tokenizer model '{type}' is not supported (FedLab reads BPE tokenizers)");
        }
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in model.GetProperty("vocab").EnumerateObject())
        {
            vocabulary[p.Name] = p.Value.GetInt32();
        }
        var merges = new List<string>();
        foreach (var m in model.GetProperty("merges").EnumerateArray())
        {
            merges.Add(m.ValueKind == JsonValueKind.Array ? $"{m[0].GetString()} {m[1].GetString()}" : m.GetString() ?? "");
        }
        var special = new Dictionary<string, int>(StringComparer.Ordinal);
        if (root.TryGetProperty("added_tokens", out var added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (var token in added.EnumerateArray())
            {
                special[token.GetProperty("content").GetString()!] = token.GetProperty("id").GetInt32();
            }
        }
        var preTokenizer = root.TryGetProperty("pre_tokenizer", out var pre) ? pre : default;
        bool byteLevel = Mentions(preTokenizer, "ByteLevel");
        bool byteFallback = model.TryGetProperty("byte_fallback", out var fb) && fb.ValueKind == JsonValueKind.True;
        string? normalizer = NormalizerKind(root.TryGetProperty("normalizer", out var n) ? n : default, path);

        BpeTokenizer bpe;
        bool sentencePiece;
        if (byteLevel)
        {
            string pattern = SplitPattern(preTokenizer) ?? Gpt2Pattern;
            var options = new BpeOptions(vocabulary)
            {
                Merges = merges,
                ByteLevel = true,
                SpecialTokens = special,
                PreTokenizer = new RegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled), special),
                Normalizer = normalizer == "NFC" ? new NfcNormalizer() : null,
            };
            bpe = BpeTokenizer.Create(options);
            sentencePiece = false;
        }
        else if (byteFallback && normalizer == "SentencePiece")
        {
            var options = new BpeOptions(vocabulary)
            {
                Merges = merges,
                PreTokenizer = new WholeTextPreTokenizer(),
                UnknownToken = model.TryGetProperty("unk_token", out var unk) ? unk.GetString() : null,
            };
            bpe = BpeTokenizer.Create(options);
            sentencePiece = true;
        }
        else
        {
            throw new NotSupportedException($"{path}: only byte-level BPE and SentencePiece BPE with byte fallback are supported");
        }

        var tokenizerConfig = ReadTokenizerConfig(folder);
        // tokenizer_config.json's add_bos_token, when it says, wins (transformers' Llama tokenizers rebuild the
        // post-processor from it); otherwise the file's post-processor template decides.
        int? bos = tokenizerConfig is { ValueKind: JsonValueKind.Object } tc && tc.TryGetProperty("add_bos_token", out var addBos) && addBos.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? addBos.ValueKind == JsonValueKind.True ? TokenId(tokenizerConfig, "bos_token", special, vocabulary) : null
            : TemplateBos(root.TryGetProperty("post_processor", out var post) ? post : default, special);
        int? eos = TokenId(tokenizerConfig, "eos_token", special, vocabulary);
        int pad = TokenId(tokenizerConfig, "pad_token", special, vocabulary) ?? eos ?? 0;
        return new HfTokenizer(bpe, sentencePiece, vocabulary, special, bos, eos, pad);
    }

    private static JsonDocument ParseJson(string path)
    {
        try
        {
            return JsonDocument.Parse(ConfigReader.JsonBytes(path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {ex.Message}");
        }
    }

    private static JsonElement? ReadTokenizerConfig(string folder)
    {
        var path = Path.Combine(folder, "tokenizer_config.json");
        if (!File.Exists(path))
        {
            return null;
        }
        using var document = ParseJson(path);
        return document.RootElement.Clone();
    }

    private static int? TokenId(JsonElement? config, string name, IReadOnlyDictionary<string, int> special, IReadOnlyDictionary<string, int> vocabulary)
    {
        if (config is not { ValueKind: JsonValueKind.Object } c || !c.TryGetProperty(name, out var value))
        {
            return null;
        }
        string? content = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("content", out var inner) => inner.GetString(),
            _ => null,
        };
        if (content is null)
        {
            return null;
        }
        return special.TryGetValue(content, out int id) ? id : vocabulary.TryGetValue(content, out id) ? id : null;
    }

    private static bool Mentions(JsonElement element, string type) => element.ValueKind switch
    {
        JsonValueKind.Object => (element.TryGetProperty("type", out var t) && t.GetString() == type)
            || element.EnumerateObject().Any(p => Mentions(p.Value, type)),
        JsonValueKind.Array => element.EnumerateArray().Any(e => Mentions(e, type)),
        _ => false,
    };

    private static string? SplitPattern(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty("type", out var t) && t.GetString() == "Split"
                && element.TryGetProperty("pattern", out var p) && p.TryGetProperty("Regex", out var regex))
            {
                return regex.GetString();
            }
            foreach (var property in element.EnumerateObject())
            {
                if (SplitPattern(property.Value) is { } found)
                {
                    return found;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (SplitPattern(item) is { } found)
                {
                    return found;
                }
            }
        }
        return null;
    }

    private static string? NormalizerKind(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        string type = element.GetProperty("type").GetString() ?? "";
        return type switch
        {
            "NFC" => "NFC",
            "Sequence" when Mentions(element, "Prepend") && Mentions(element, "Replace") => "SentencePiece",
            _ => throw new NotSupportedException($"{path}: normalizer '{type}' is not supported"),
        };
    }

    private static int? TemplateBos(JsonElement post, IReadOnlyDictionary<string, int> special)
    {
        if (post.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        if (post.TryGetProperty("type", out var t) && t.GetString() == "TemplateProcessing")
        {
            var first = post.GetProperty("single")[0];
            return first.TryGetProperty("SpecialToken", out var token) && special.TryGetValue(token.GetProperty("id").GetString()!, out int id) ? id : null;
        }
        if (post.TryGetProperty("processors", out var processors))
        {
            foreach (var p in processors.EnumerateArray())
            {
                if (TemplateBos(p, special) is int id)
                {
                    return id;
                }
            }
        }
        return null;
    }

    /// <summary>Unicode NFC, as Qwen's tokenizer.json asks.</summary>
    private sealed class NfcNormalizer : Normalizer
    {
        public override string Normalize(string original) => original.Normalize(NormalizationForm.FormC);

        public override string Normalize(ReadOnlySpan<char> original) => original.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>No pre-tokenization: SentencePiece BPE merges over the whole (normalised) text.</summary>
    private sealed class WholeTextPreTokenizer : PreTokenizer
    {
        public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => text.Length == 0 ? [] : [(0, text.Length)];

        public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => text.Length == 0 ? [] : [(0, text.Length)];
    }
}
