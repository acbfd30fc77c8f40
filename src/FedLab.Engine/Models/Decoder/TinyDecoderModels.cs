using System.Text;
using System.Text.Json;
using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Engine.Models.Decoder;

/// <summary>
/// Tiny random decoders that every FedLab install has, so a decoder (and a generative task) runs out of the box:
/// tiny-llama (untied head, llama3 RoPE scaling, Llama 3's chat tokens), tiny-qwen2 (q/k/v biases, tied head,
/// ChatML tokens), tiny-qwen3 (q/k norms) and tiny-gpt2 (learned positions, Conv1D, tied head). Two blocks of hidden
/// 64, a byte-level BPE tokenizer (256 byte symbols, a few merges, &lt;|endoftext|&gt;, and the family's chat tokens).
/// Random weights from a fixed seed: they learn, but know nothing. Written once, in Hugging Face layout, under
/// FEDLAB_CACHE_DIR (or ~/.cache/fedlab)/tiny-decoders, and then read like any local folder.
/// </summary>
public static class TinyDecoderModels
{
    private const string Version = "v1";
    private const int Hidden = 64;
    private const int Layers = 2;
    private const int Intermediate = 128;
    private const int Positions = 512;
    public const int VocabSize = 320;

    private static readonly object Gate = new();

    private static readonly (string A, string B)[] Merges =
    [
        ("Ġ", "t"), ("h", "e"), ("Ġ", "a"), ("i", "n"), ("Ġt", "he"), ("r", "e"), ("o", "n"), ("e", "r"), ("Ġ", "s"), ("a", "n"),
        ("Ġ", "w"), ("o", "u"), ("Ġ", "c"), ("i", "s"), ("Ġ", "m"), ("e", "s"), ("Ġ", "f"), ("l", "l"), ("o", "r"), ("a", "t"),
        ("y", "e"), ("ye", "s"), ("n", "o"),
    ];

    /// <summary>The catalog ids, in display order.</summary>
    public static IReadOnlyList<string> Ids { get; } = ["tiny-llama", "tiny-qwen2", "tiny-qwen3", "tiny-gpt2"];

    public static bool IsTiny(string id) => Ids.Contains(id, StringComparer.Ordinal);

    /// <summary>The folder of tiny model <paramref name="id"/>, written on first use (atomically: processes may race).</summary>
    public static string Folder(string id)
    {
        if (!IsTiny(id))
        {
            throw new ArgumentException($"'{id}' is not a tiny decoder ({string.Join(", ", Ids)})", nameof(id));
        }
        var root = Environment.GetEnvironmentVariable("FEDLAB_CACHE_DIR")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "fedlab");
        var folder = Path.Combine(root, "tiny-decoders", Version, id);
        lock (Gate)
        {
            if (!Directory.Exists(folder))
            {
                var temp = $"{folder}.{Environment.ProcessId}.tmp";
                if (Directory.Exists(temp))
                {
                    Directory.Delete(temp, recursive: true);
                }
                Write(id["tiny-".Length..], temp);
                try
                {
                    Directory.Move(temp, folder);
                }
                catch (IOException) when (Directory.Exists(folder))
                {
                    Directory.Delete(temp, recursive: true); // another process wrote the same content first
                }
            }
        }
        return folder;
    }

    private static void Write(string family, string folder)
    {
        Directory.CreateDirectory(folder);
        string[] chat = family switch
        {
            "llama" => ["<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
            "qwen2" or "qwen3" => ["<|im_start|>", "<|im_end|>"],
            _ => [],
        };
        File.WriteAllText(Path.Combine(folder, "config.json"), JsonSerializer.Serialize(Config(family)));
        WriteWeights(folder, Tensors(family));
        WriteTokenizer(folder, chat);
    }

    private static Dictionary<string, object> Config(string family) => family switch
    {
        "gpt2" => new()
        {
            ["model_type"] = "gpt2", ["architectures"] = new[] { "GPT2LMHeadModel" }, ["vocab_size"] = VocabSize, ["n_embd"] = Hidden,
            ["n_layer"] = Layers, ["n_head"] = 4, ["n_positions"] = Positions, ["activation_function"] = "gelu_new",
            ["layer_norm_epsilon"] = 1e-5, ["bos_token_id"] = 256, ["eos_token_id"] = 256, ["torch_dtype"] = "float32",
        },
        _ => new()
        {
            ["model_type"] = family, ["architectures"] = new[] { family switch { "llama" => "LlamaForCausalLM", "qwen2" => "Qwen2ForCausalLM", _ => "Qwen3ForCausalLM" } },
            ["vocab_size"] = VocabSize, ["hidden_size"] = Hidden, ["num_hidden_layers"] = Layers, ["num_attention_heads"] = 4,
            ["num_key_value_heads"] = 2, ["intermediate_size"] = Intermediate, ["rms_norm_eps"] = 1e-6, ["rope_theta"] = 500000.0,
            ["tie_word_embeddings"] = family != "llama", ["hidden_act"] = "silu", ["max_position_embeddings"] = Positions,
            ["eos_token_id"] = 256, ["torch_dtype"] = "float32",
        },
    };

    private static List<(string Name, long[] Shape, float Center)> Tensors(string family)
    {
        var list = new List<(string, long[], float)>();
        if (family == "gpt2")
        {
            list.Add(("wte.weight", [VocabSize, Hidden], 0));
            list.Add(("wpe.weight", [Positions, Hidden], 0));
            for (int l = 0; l < Layers; l++)
            {
                string p = $"h.{l}.";
                list.Add((p + "ln_1.weight", [Hidden], 1));
                list.Add((p + "ln_1.bias", [Hidden], 0));
                list.Add((p + "attn.c_attn.weight", [Hidden, 3 * Hidden], 0));
                list.Add((p + "attn.c_attn.bias", [3 * Hidden], 0));
                list.Add((p + "attn.c_proj.weight", [Hidden, Hidden], 0));
                list.Add((p + "attn.c_proj.bias", [Hidden], 0));
                list.Add((p + "ln_2.weight", [Hidden], 1));
                list.Add((p + "ln_2.bias", [Hidden], 0));
                list.Add((p + "mlp.c_fc.weight", [Hidden, 4 * Hidden], 0));
                list.Add((p + "mlp.c_fc.bias", [4 * Hidden], 0));
                list.Add((p + "mlp.c_proj.weight", [4 * Hidden, Hidden], 0));
                list.Add((p + "mlp.c_proj.bias", [Hidden], 0));
            }
            list.Add(("ln_f.weight", [Hidden], 1));
            list.Add(("ln_f.bias", [Hidden], 0));
            return list;
        }
        const int heads = 4, kv = 2, d = Hidden / heads;
        list.Add(("model.embed_tokens.weight", [VocabSize, Hidden], 0));
        for (int l = 0; l < Layers; l++)
        {
            string p = $"model.layers.{l}.";
            list.Add((p + "self_attn.q_proj.weight", [heads * d, Hidden], 0));
            list.Add((p + "self_attn.k_proj.weight", [kv * d, Hidden], 0));
            list.Add((p + "self_attn.v_proj.weight", [kv * d, Hidden], 0));
            list.Add((p + "self_attn.o_proj.weight", [Hidden, heads * d], 0));
            if (family == "qwen2")
            {
                list.Add((p + "self_attn.q_proj.bias", [heads * d], 0));
                list.Add((p + "self_attn.k_proj.bias", [kv * d], 0));
                list.Add((p + "self_attn.v_proj.bias", [kv * d], 0));
            }
            if (family == "qwen3")
            {
                list.Add((p + "self_attn.q_norm.weight", [d], 1));
                list.Add((p + "self_attn.k_norm.weight", [d], 1));
            }
            list.Add((p + "mlp.gate_proj.weight", [Intermediate, Hidden], 0));
            list.Add((p + "mlp.up_proj.weight", [Intermediate, Hidden], 0));
            list.Add((p + "mlp.down_proj.weight", [Hidden, Intermediate], 0));
            list.Add((p + "input_layernorm.weight", [Hidden], 1));
            list.Add((p + "post_attention_layernorm.weight", [Hidden], 1));
        }
        list.Add(("model.norm.weight", [Hidden], 1));
        if (family == "llama")
        {
            list.Add(("lm_head.weight", [VocabSize, Hidden], 0));
        }
        return list;
    }

    private static void WriteWeights(string folder, List<(string Name, long[] Shape, float Center)> tensors)
    {
        var random = new Random(20261201);
        var created = new List<KeyValuePair<string, Tensor>>();
        try
        {
            foreach (var (name, shape, center) in tensors)
            {
                long count = shape.Aggregate(1L, (a, b) => a * b);
                var values = new float[count];
                for (long i = 0; i < count; i++)
                {
                    values[i] = center + (float)((random.NextDouble() * 2 - 1) * (center == 1 ? 0.1 : 0.2));
                }
                created.Add(new(name, tensor(values, shape)));
            }
            File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), SafeTensors.Serialize(created, new Dictionary<string, string> { ["format"] = "pt" }));
        }
        finally
        {
            created.ForEach(kv => kv.Value.Dispose());
        }
    }

    private static void WriteTokenizer(string folder, string[] chat)
    {
        var vocab = new Dictionary<string, int>();
        foreach (var symbol in ByteSymbols())
        {
            vocab[symbol] = vocab.Count;
        }
        const string end = "<|endoftext|>";
        vocab[end] = vocab.Count;
        foreach (var (a, b) in Merges)
        {
            vocab[a + b] = vocab.Count;
        }
        var added = new List<Dictionary<string, object>> { new() { ["id"] = 256, ["content"] = end, ["special"] = true } };
        foreach (var token in chat)
        {
            added.Add(new() { ["id"] = vocab.Count, ["content"] = token, ["special"] = true });
            vocab[token] = vocab.Count;
        }
        var json = new Dictionary<string, object?>
        {
            ["version"] = "1.0",
            ["added_tokens"] = added,
            ["normalizer"] = null,
            ["pre_tokenizer"] = new Dictionary<string, object> { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["use_regex"] = true },
            ["post_processor"] = new Dictionary<string, object> { ["type"] = "ByteLevel" },
            ["decoder"] = new Dictionary<string, object> { ["type"] = "ByteLevel" },
            ["model"] = new Dictionary<string, object> { ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = Merges.Select(m => $"{m.A} {m.B}").ToArray() },
        };
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), JsonSerializer.Serialize(json), new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"),
            JsonSerializer.Serialize(new Dictionary<string, object> { ["eos_token"] = end, ["pad_token"] = end }), new UTF8Encoding(false));
    }

    /// <summary>GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to U+0100 onwards, in byte order.</summary>
    private static string[] ByteSymbols()
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToHashSet();
        var symbols = new string[256];
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            symbols[b] = printable.Contains(b) ? ((char)b).ToString() : ((char)(256 + next++)).ToString();
        }
        return symbols;
    }
}
