using System.Text.Json;

namespace FedLab.Engine.Models.Decoder;

/// <summary>
/// What FedLab reads from a Hugging Face <c>config.json</c> of a decoder-only model, in one shape for every family:
/// Llama and Mistral (no biases), Qwen2 (bias on q, k, v), Qwen3 (RMSNorm on q and k), GPT-2 (learned positions,
/// LayerNorm, GELU, Conv1D weights).
/// </summary>
public sealed record DecoderConfig
{
    public required string ModelType { get; init; }
    public required string Architecture { get; init; }
    public required int VocabSize { get; init; }
    public required int HiddenSize { get; init; }
    public required int Layers { get; init; }
    public required int Heads { get; init; }
    public required int KeyValueHeads { get; init; }
    public required int HeadDim { get; init; }
    public required int IntermediateSize { get; init; }
    public double NormEps { get; init; } = 1e-6;
    public double RopeTheta { get; init; } = 10000;
    public RopeScaling RopeScaling { get; init; } = RopeScaling.None;
    public bool TieWordEmbeddings { get; init; }
    public bool QkvBias { get; init; }
    public bool OutputBias { get; init; }
    public bool MlpBias { get; init; }
    public bool QkNorm { get; init; }
    public int MaxPositions { get; init; }
    public string HiddenAct { get; init; } = "silu";
    public string TorchDtype { get; init; } = "float32";
    public int? BosTokenId { get; init; }
    public int? EosTokenId { get; init; }
    public int? PadTokenId { get; init; }

    public TransformerShape Shape => new(VocabSize, HiddenSize, Layers, Heads, IntermediateSize) { KeyValueHeadCount = KeyValueHeads, HeadDimension = HeadDim };

    public DecoderConfig WithLayers(int layers) => this with { Layers = layers };

    /// <summary>Reads <paramref name="path"/> (a config.json); errors name the file and the field.</summary>
    public static DecoderConfig Read(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(ConfigReader.JsonBytes(path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {ex.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path} must hold a JSON object");
            }
            return Parse(root, path);
        }
    }

    private static DecoderConfig Parse(JsonElement root, string path)
    {
        var reader = new ConfigReader(root, path);
        string modelType = reader.String("model_type") ?? throw new InvalidDataException($"{path}: 'model_type' is missing");
        string architecture = root.TryGetProperty("architectures", out var a) && a.ValueKind == JsonValueKind.Array && a.GetArrayLength() > 0
            ? a[0].GetString() ?? modelType
            : modelType;
        return modelType switch
        {
            "llama" or "mistral" or "qwen2" or "qwen3" => ParseRotary(reader, modelType, architecture),
            "gpt2" => ParseGpt2(reader, architecture),
            _ => throw new NotSupportedException(
                $"{path}: unsupported architecture '{architecture}' (model_type '{modelType}'); FedLab reads llama, mistral, qwen2, qwen3 and gpt2"),
        };
    }

    private static DecoderConfig ParseRotary(ConfigReader r, string modelType, string architecture)
    {
        int hidden = r.Int("hidden_size");
        int heads = r.Int("num_attention_heads");
        if (heads <= 0 || (r.OptionalInt("head_dim") is null && hidden % heads != 0))
        {
            throw new InvalidDataException($"{r.Path}: hidden_size {hidden} is not a multiple of num_attention_heads {heads}");
        }
        int kvHeads = r.OptionalInt("num_key_value_heads") ?? heads;
        if (kvHeads <= 0 || heads % kvHeads != 0)
        {
            throw new InvalidDataException($"{r.Path}: num_attention_heads {heads} is not a multiple of num_key_value_heads {kvHeads}");
        }
        string act = r.String("hidden_act") ?? "silu";
        if (act != "silu")
        {
            throw new NotSupportedException($"{r.Path}: hidden_act '{act}' is not supported (FedLab's {modelType} uses silu)");
        }
        var ropeParameters = r.Object("rope_parameters");
        double theta = r.OptionalDouble("rope_theta") ?? ropeParameters?.OptionalDouble("rope_theta") ?? 10000;
        bool attentionBias = r.OptionalBool("attention_bias") ?? false;
        return new DecoderConfig
        {
            ModelType = modelType,
            Architecture = architecture,
            VocabSize = r.Int("vocab_size"),
            HiddenSize = hidden,
            Layers = r.Int("num_hidden_layers"),
            Heads = heads,
            KeyValueHeads = kvHeads,
            HeadDim = r.OptionalInt("head_dim") ?? hidden / heads,
            IntermediateSize = r.Int("intermediate_size"),
            NormEps = r.OptionalDouble("rms_norm_eps") ?? 1e-6,
            RopeTheta = theta,
            RopeScaling = ReadScaling(r.Object("rope_scaling") ?? ropeParameters, r.Path),
            TieWordEmbeddings = r.OptionalBool("tie_word_embeddings") ?? false,
            // Qwen2 always puts a bias on q, k and v; Llama's attention_bias covers all four projections.
            QkvBias = modelType == "qwen2" || attentionBias,
            OutputBias = modelType != "qwen2" && attentionBias,
            MlpBias = r.OptionalBool("mlp_bias") ?? false,
            QkNorm = modelType == "qwen3",
            MaxPositions = r.OptionalInt("max_position_embeddings") ?? 2048,
            HiddenAct = act,
            TorchDtype = r.String("torch_dtype") ?? r.String("dtype") ?? "float32",
            BosTokenId = r.OptionalInt("bos_token_id"),
            EosTokenId = r.OptionalInt("eos_token_id"),
            PadTokenId = r.OptionalInt("pad_token_id"),
        };
    }

    private static DecoderConfig ParseGpt2(ConfigReader r, string architecture)
    {
        int hidden = r.Int("n_embd");
        int heads = r.Int("n_head");
        if (heads <= 0 || hidden % heads != 0)
        {
            throw new InvalidDataException($"{r.Path}: n_embd {hidden} is not a multiple of n_head {heads}");
        }
        string act = r.String("activation_function") ?? "gelu_new";
        if (act is not ("gelu_new" or "gelu_pytorch_tanh" or "gelu"))
        {
            throw new NotSupportedException($"{r.Path}: activation_function '{act}' is not supported (use gelu_new or gelu)");
        }
        return new DecoderConfig
        {
            ModelType = "gpt2",
            Architecture = architecture,
            VocabSize = r.Int("vocab_size"),
            HiddenSize = hidden,
            Layers = r.Int("n_layer"),
            Heads = heads,
            KeyValueHeads = heads,
            HeadDim = hidden / heads,
            IntermediateSize = r.OptionalInt("n_inner") ?? 4 * hidden,
            NormEps = r.OptionalDouble("layer_norm_epsilon") ?? 1e-5,
            TieWordEmbeddings = r.OptionalBool("tie_word_embeddings") ?? true,
            QkvBias = true,
            OutputBias = true,
            MlpBias = true,
            MaxPositions = r.OptionalInt("n_positions") ?? 1024,
            HiddenAct = act,
            TorchDtype = r.String("torch_dtype") ?? r.String("dtype") ?? "float32",
            BosTokenId = r.OptionalInt("bos_token_id"),
            EosTokenId = r.OptionalInt("eos_token_id"),
            PadTokenId = r.OptionalInt("pad_token_id"),
        };
    }

    private static RopeScaling ReadScaling(ConfigReader? scaling, string path)
    {
        if (scaling is null)
        {
            return RopeScaling.None;
        }
        string type = scaling.String("rope_type") ?? scaling.String("type") ?? RopeScaling.Default;
        return type switch
        {
            RopeScaling.Default => RopeScaling.None,
            RopeScaling.Linear => RopeScaling.None with { Type = RopeScaling.Linear, Factor = scaling.Double("factor") },
            RopeScaling.Llama3 => new RopeScaling(RopeScaling.Llama3, scaling.Double("factor"), scaling.Double("low_freq_factor"),
                scaling.Double("high_freq_factor"), scaling.Int("original_max_position_embeddings")),
            _ => throw new NotSupportedException($"{path}: rope_scaling type '{type}' is not supported (FedLab reads default, linear and llama3)"),
        };
    }
}
