using System.Text;
using System.Text.Json;
using FedLab.Engine.Serialization;
using static TorchSharp.torch;

namespace FedLab.Tests.Shared;

/// <summary>
/// Tiny random decoders written in Hugging Face layout (config.json, safetensors, tokenizer.json) under the
/// Hugging Face tensor names, written out here rather than derived from FedLab's modules, so a naming mistake in a
/// family fails the import. Weights come from a seeded <see cref="Random"/> (stable across .NET versions), so a
/// committed reference fixture keeps matching. Each folder is written once per process.
/// </summary>
public static class TinyDecoders
{
    public const string Llama = "llama";
    public const string Qwen2 = "qwen2";
    public const string Qwen3 = "qwen3";
    public const string Gpt2 = "gpt2";
    public const string LlamaBf16 = "llama-bf16";
    public const string Qwen2Sharded = "qwen2-sharded";
    public const string Gpt2Fp16 = "gpt2-fp16";
    public const string MissingTensor = "llama-missing-tensor";
    public const string UnknownArchitecture = "unknown-architecture";

    public static IReadOnlyList<string> Families { get; } = [Llama, Qwen2, Qwen3, Gpt2];

    public static IReadOnlyList<string> Variants { get; } = [Llama, Qwen2, Qwen3, Gpt2, LlamaBf16, Qwen2Sharded, Gpt2Fp16];

    /// <summary>The tokenizer's vocabulary is 256 byte symbols, these merges, and one special token; the model's is a little larger.</summary>
    private static readonly (string A, string B)[] Merges =
    [
        ("Ġ", "t"), ("h", "e"), ("Ġ", "a"), ("i", "n"), ("Ġt", "he"), ("r", "e"), ("o", "n"), ("e", "r"), ("Ġ", "s"), ("a", "n"),
        ("Ġ", "w"), ("o", "u"), ("Ġ", "c"), ("i", "s"), ("Ġ", "m"), ("e", "s"), ("Ġ", "f"), ("l", "l"), ("o", "r"), ("a", "t"),
    ];

    public const int VocabSize = 288;
    private const int Hidden = 32;

    private static readonly object Gate = new();
    /// <summary>Bump when the written content changes, so stale folders from an earlier build are not reused.</summary>
    private const string Version = "v2";

    private static readonly string Root = Path.Combine(Path.GetTempPath(), "fedlab-tiny-decoders", Version);

    /// <summary>The folder of <paramref name="variant"/>, written on first use (atomically: test processes may race).</summary>
    public static string Folder(string variant)
    {
        var folder = Path.Combine(Root, variant);
        lock (Gate)
        {
            if (!Directory.Exists(folder))
            {
                var temp = $"{folder}.{Environment.ProcessId}.tmp";
                if (Directory.Exists(temp))
                {
                    Directory.Delete(temp, recursive: true);
                }
                Write(variant, temp);
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

    /// <summary>Writes <paramref name="variant"/> into <paramref name="folder"/>.</summary>
    public static void Write(string variant, string folder)
    {
        Directory.CreateDirectory(folder);
        var (family, dtype, shards) = variant switch
        {
            LlamaBf16 => (Llama, ScalarType.BFloat16, 1),
            Qwen2Sharded => (Qwen2, ScalarType.Float32, 3),
            Gpt2Fp16 => (Gpt2, ScalarType.Float16, 1),
            MissingTensor => (Llama, ScalarType.Float32, 1),
            UnknownArchitecture => (Llama, ScalarType.Float32, 1),
            _ => (variant, ScalarType.Float32, 1),
        };
        var config = Config(family);
        if (variant == UnknownArchitecture)
        {
            config["model_type"] = "mamba";
            config["architectures"] = new[] { "MambaForCausalLM" };
        }
        config["torch_dtype"] = dtype switch { ScalarType.BFloat16 => "bfloat16", ScalarType.Float16 => "float16", _ => "float32" };
        File.WriteAllText(Path.Combine(folder, "config.json"), JsonSerializer.Serialize(config));
        var tensors = Tensors(family);
        if (variant == MissingTensor)
        {
            tensors.RemoveAll(t => t.Name == "model.layers.1.mlp.up_proj.weight");
        }
        WriteWeights(folder, tensors, dtype, shards);
        WriteTokenizer(folder);
    }

    private static Dictionary<string, object> Config(string family) => family switch
    {
        Gpt2 => new()
        {
            ["model_type"] = "gpt2", ["architectures"] = new[] { "GPT2LMHeadModel" }, ["vocab_size"] = VocabSize, ["n_embd"] = Hidden,
            ["n_layer"] = 3, ["n_head"] = 4, ["n_positions"] = 128, ["n_inner"] = null!, ["activation_function"] = "gelu_new",
            ["layer_norm_epsilon"] = 1e-5, ["bos_token_id"] = 256, ["eos_token_id"] = 256,
        },
        Llama => new()
        {
            ["model_type"] = "llama", ["architectures"] = new[] { "LlamaForCausalLM" }, ["vocab_size"] = VocabSize, ["hidden_size"] = Hidden,
            ["num_hidden_layers"] = 3, ["num_attention_heads"] = 4, ["num_key_value_heads"] = 2, ["intermediate_size"] = 48,
            ["rms_norm_eps"] = 1e-5, ["rope_theta"] = 500000.0, ["tie_word_embeddings"] = false, ["hidden_act"] = "silu",
            ["max_position_embeddings"] = 256,
            ["rope_scaling"] = new Dictionary<string, object>
            {
                ["rope_type"] = "llama3", ["factor"] = 8.0, ["low_freq_factor"] = 1.0, ["high_freq_factor"] = 4.0, ["original_max_position_embeddings"] = 64,
            },
            ["bos_token_id"] = 256, ["eos_token_id"] = 256,
        },
        Qwen2 => new()
        {
            ["model_type"] = "qwen2", ["architectures"] = new[] { "Qwen2ForCausalLM" }, ["vocab_size"] = VocabSize, ["hidden_size"] = Hidden,
            ["num_hidden_layers"] = 3, ["num_attention_heads"] = 4, ["num_key_value_heads"] = 1, ["intermediate_size"] = 48,
            ["rms_norm_eps"] = 1e-6, ["rope_theta"] = 1000000.0, ["tie_word_embeddings"] = true, ["hidden_act"] = "silu",
            ["max_position_embeddings"] = 256, ["eos_token_id"] = 256,
        },
        Qwen3 => new()
        {
            ["model_type"] = "qwen3", ["architectures"] = new[] { "Qwen3ForCausalLM" }, ["vocab_size"] = VocabSize, ["hidden_size"] = Hidden,
            ["num_hidden_layers"] = 3, ["num_attention_heads"] = 4, ["num_key_value_heads"] = 2, ["head_dim"] = 16, ["intermediate_size"] = 48,
            ["rms_norm_eps"] = 1e-6, ["rope_theta"] = 1000000.0, ["tie_word_embeddings"] = true, ["hidden_act"] = "silu",
            ["attention_bias"] = false, ["max_position_embeddings"] = 256, ["eos_token_id"] = 256,
        },
        _ => throw new ArgumentException($"unknown tiny decoder family '{family}'", nameof(family)),
    };

    private static List<(string Name, long[] Shape, float Center)> Tensors(string family)
    {
        var list = new List<(string, long[], float)>();
        const int I = 48;
        if (family == Gpt2)
        {
            // The original gpt2 upload's layout: bare names, Conv1D weights [in, out], and the old causal-mask buffers.
            list.Add(("wte.weight", [VocabSize, Hidden], 0));
            list.Add(("wpe.weight", [128, Hidden], 0));
            for (int l = 0; l < 3; l++)
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
                list.Add((p + "attn.bias", [1, 1, 128, 128], float.NaN));
            }
            list.Add(("ln_f.weight", [Hidden], 1));
            list.Add(("ln_f.bias", [Hidden], 0));
            return list;
        }
        int heads = 4;
        int kv = family == Qwen2 ? 1 : 2;
        int d = family == Qwen3 ? 16 : Hidden / heads;
        list.Add(("model.embed_tokens.weight", [VocabSize, Hidden], 0));
        for (int l = 0; l < 3; l++)
        {
            string p = $"model.layers.{l}.";
            list.Add((p + "self_attn.q_proj.weight", [heads * d, Hidden], 0));
            list.Add((p + "self_attn.k_proj.weight", [kv * d, Hidden], 0));
            list.Add((p + "self_attn.v_proj.weight", [kv * d, Hidden], 0));
            list.Add((p + "self_attn.o_proj.weight", [Hidden, heads * d], 0));
            if (family == Qwen2)
            {
                list.Add((p + "self_attn.q_proj.bias", [heads * d], 0));
                list.Add((p + "self_attn.k_proj.bias", [kv * d], 0));
                list.Add((p + "self_attn.v_proj.bias", [kv * d], 0));
            }
            if (family == Qwen3)
            {
                list.Add((p + "self_attn.q_norm.weight", [d], 1));
                list.Add((p + "self_attn.k_norm.weight", [d], 1));
            }
            list.Add((p + "mlp.gate_proj.weight", [I, Hidden], 0));
            list.Add((p + "mlp.up_proj.weight", [I, Hidden], 0));
            list.Add((p + "mlp.down_proj.weight", [Hidden, I], 0));
            list.Add((p + "input_layernorm.weight", [Hidden], 1));
            list.Add((p + "post_attention_layernorm.weight", [Hidden], 1));
        }
        list.Add(("model.norm.weight", [Hidden], 1));
        if (family == Llama)
        {
            list.Add(("lm_head.weight", [VocabSize, Hidden], 0));
        }
        return list;
    }

    private static void WriteWeights(string folder, List<(string Name, long[] Shape, float Center)> tensors, ScalarType dtype, int shards)
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
                    // Uniform noise of standard deviation about 0.1 (0.05 around 1 for norm weights): large enough
                    // that every weight changes the logits, small enough that activations stay moderate.
                    double u = random.NextDouble() * 2 - 1;
                    values[i] = float.IsNaN(center) ? (i % 129 == 0 ? 1 : 0) : center + (float)(u * (center == 1 ? 0.1 : 0.2));
                }
                var t = tensor(values, shape);
                if (dtype != ScalarType.Float32 && !float.IsNaN(center))
                {
                    var cast = t.to_type(dtype);
                    t.Dispose();
                    t = cast;
                }
                created.Add(new(name, t));
            }
            if (shards == 1)
            {
                File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), SafeTensors.Serialize(created, new Dictionary<string, string> { ["format"] = "pt" }));
                return;
            }
            var map = new Dictionary<string, string>();
            int perShard = (created.Count + shards - 1) / shards;
            for (int s = 0; s < shards; s++)
            {
                var file = $"model-{s + 1:00000}-of-{shards:00000}.safetensors";
                var part = created.Skip(s * perShard).Take(perShard).ToList();
                File.WriteAllBytes(Path.Combine(folder, file), SafeTensors.Serialize(part, new Dictionary<string, string> { ["format"] = "pt" }));
                part.ForEach(kv => map[kv.Key] = file);
            }
            File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"),
                JsonSerializer.Serialize(new Dictionary<string, object> { ["metadata"] = new Dictionary<string, object>(), ["weight_map"] = map }));
        }
        finally
        {
            created.ForEach(kv => kv.Value.Dispose());
        }
    }

    /// <summary>A byte-level BPE tokenizer.json in GPT-2's form: 256 byte symbols, <see cref="Merges"/>, and &lt;|endoftext|&gt; (id 256).</summary>
    private static void WriteTokenizer(string folder)
    {
        var vocab = new Dictionary<string, int>();
        foreach (var symbol in ByteSymbols())
        {
            vocab[symbol] = vocab.Count;
        }
        const string special = "<|endoftext|>";
        vocab[special] = vocab.Count;
        foreach (var (a, b) in Merges)
        {
            vocab[a + b] = vocab.Count;
        }
        var json = new Dictionary<string, object?>
        {
            ["version"] = "1.0",
            ["added_tokens"] = new[] { new Dictionary<string, object> { ["id"] = 256, ["content"] = special, ["special"] = true } },
            ["normalizer"] = null,
            ["pre_tokenizer"] = new Dictionary<string, object> { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["use_regex"] = true },
            ["post_processor"] = new Dictionary<string, object> { ["type"] = "ByteLevel" },
            ["decoder"] = new Dictionary<string, object> { ["type"] = "ByteLevel" },
            ["model"] = new Dictionary<string, object>
            {
                ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = Merges.Select(m => $"{m.A} {m.B}").ToArray(),
            },
        };
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), JsonSerializer.Serialize(json), new UTF8Encoding(false));
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"),
            JsonSerializer.Serialize(new Dictionary<string, object> { ["eos_token"] = special, ["pad_token"] = special }), new UTF8Encoding(false));
    }

    /// <summary>GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to U+0100 onwards, in byte order.</summary>
    public static IReadOnlyList<string> ByteSymbols()
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
