using System.Globalization;
using System.Text.Json;
using FedLab.Engine.Models;
using FedLab.Engine.Models.Decoder;
using static TorchSharp.torch;

namespace FedLab.Web.Cli;

/// <summary>
/// <c>model inspect --model &lt;folder|name&gt;</c>: a Hugging Face folder's family, shape, parameters and dtype, every
/// tensor checked. <c>model logits --model &lt;folder|name&gt; --text "..." --out f.json</c>: the token ids and the final
/// position's logits over the whole vocabulary (float32), to compare an import with one's own reference.
/// </summary>
internal static class ModelCommand
{
    public const string Usage = """
          model inspect --model <folder|name>                    a Hugging Face folder's family, layers, heads, vocabulary, parameters, dtype
          model logits --model <folder|name> --text <t> --out <f.json>
                                                                 token ids and the last position's logits over the vocabulary (float32)
        """;

    public static int Execute(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length < 2 || args[1] is not ("inspect" or "logits"))
        {
            error.WriteLine("usage:" + Environment.NewLine + Usage.TrimEnd());
            return RunCommand.BadInput;
        }
        CliArguments parsed;
        try
        {
            parsed = CliArguments.Parse(args[1..], args[1] == "inspect" ? ["model"] : ["model", "text", "out"]);
        }
        catch (ArgumentException ex)
        {
            error.WriteLine(ex.Message);
            return RunCommand.BadInput;
        }
        if (parsed.Get("model") is not string model)
        {
            error.WriteLine($"model {args[1]}: --model is required (a folder holding config.json, or a name registered under FedLab:Models)");
            return RunCommand.BadInput;
        }
        var folder = ModelCatalog.RegisteredFolders.TryGetValue(model, out var registered) ? registered : model;
        if (!Directory.Exists(folder))
        {
            error.WriteLine($"--model: '{model}' is neither a folder nor a registered model name");
            return RunCommand.BadInput;
        }
        try
        {
            return args[1] == "inspect" ? Inspect(folder, output) : Logits(folder, parsed, output, error);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or NotSupportedException or UnauthorizedAccessException or JsonException)
        {
            error.WriteLine($"error: {ex.Message}");
            return RunCommand.BadInput;
        }
    }

    private static int Inspect(string folder, TextWriter output)
    {
        var i = DecoderInspection.Of(folder);
        var c = i.Config;
        var tokenizer = File.Exists(Path.Combine(folder, HfFolder.TokenizerFile)) ? HfTokenizer.Load(folder) : null;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            folder          {i.Folder}
            family          {i.Family} ({i.Architecture})
            layers          {c.Layers}
            hidden          {c.HiddenSize}
            heads           {c.Heads} (head dim {c.HeadDim})
            key-value heads {c.KeyValueHeads}
            feed-forward    {c.IntermediateSize}
            vocabulary      {c.VocabSize}{(tokenizer is null ? " (no tokenizer.json)" : "")}
            parameters      {i.Parameters:N0} ({Short(i.Parameters)}{(c.TieWordEmbeddings ? ", head tied to the embeddings" : "")})
            dtype           {c.TorchDtype} in config.json; stored {string.Join(", ", i.StoredDTypes)}; loaded as Float32 on the CPU
            rope            {(c.ModelType == "gpt2" ? "none (learned positions)" : $"theta {c.RopeTheta:G}, scaling {c.RopeScaling.Type}")}
            weights         {i.Weights}, every tensor present with its expected shape
            """));
        return RunCommand.Ok;
    }

    private static int Logits(string folder, CliArguments args, TextWriter output, TextWriter error)
    {
        if (args.Get("text") is not string text || args.Get("out") is not string outPath)
        {
            error.WriteLine("usage: model logits --model <folder|name> --text <t> --out <f.json>");
            return RunCommand.BadInput;
        }
        var config = HfFolder.ReadConfig(folder);
        var family = HfFolder.FamilyOf(config);
        var tokenizer = HfTokenizer.Load(folder);
        var ids = tokenizer.Encode(text, config.MaxPositions);
        if (ids.Length == 0)
        {
            error.WriteLine("--text: the text has no tokens");
            return RunCommand.BadInput;
        }
        var model = family.Load(folder, 0.0, CPU, withLanguageModelHead: true);
        float[] logits;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            ((TorchSharp.torch.nn.Module)model).eval();
            var input = tensor(ids.Select(id => (long)id).ToArray(), [1, ids.Length]);
            var mask = ones_like(input);
            var hidden = model.RunLayers(model.Embed(input), model.AttentionBias(mask, ScalarType.Float32), 0, model.NumLayers);
            logits = model.Logits(hidden.select(1, ids.Length - 1)).squeeze(0).to_type(ScalarType.Float32).data<float>().ToArray();
        }
        ((TorchSharp.torch.nn.Module)model).Dispose();
        var temp = outPath + ".partial";
        using (var stream = File.Create(temp))
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteStartArray("ids");
            foreach (var id in ids)
            {
                json.WriteNumberValue(id);
            }
            json.WriteEndArray();
            json.WriteStartArray("logits");
            foreach (var v in logits)
            {
                json.WriteNumberValue(v);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        File.Move(temp, outPath, overwrite: true);
        var top = logits.Select((v, id) => (v, id)).OrderByDescending(p => p.v).Take(5);
        output.WriteLine($"{ids.Length} tokens, {logits.Length} logits written to {outPath}");
        output.WriteLine("top next tokens: " + string.Join(", ", top.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.id} {Quoted(tokenizer.Decode([p.id]))} {p.v:F3}"))));
        return RunCommand.Ok;
    }

    private static string Short(long count) => count switch
    {
        >= 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{count / 1e9:F2}B"),
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{count / 1e6:F1}M"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{count / 1e3:F1}K"),
    };

    private static string Quoted(string token) => JsonSerializer.Serialize(token);
}
